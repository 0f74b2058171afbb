//! Where sessions are kept: tower-sessions' records in Shutter's own `sessions` table
//! (`db::sessions`), on either engine, with the person a session names and their epoch
//! pulled out of the record into columns. That is what lets `session_cookie::signed_in`
//! find the signed-in person of a page in one statement instead of loading the record
//! and then the person.

use super::session_cookie::{self, now};
use crate::server::db::{self, Db};
use async_trait::async_trait;
use tower_sessions::{
    ExpiredDeletion, SessionStore,
    cookie::time::OffsetDateTime,
    session::{Id, Record},
    session_store,
};

/// The session store of a site, on its database.
#[derive(Debug, Clone)]
pub struct SessionRows(pub Db);

fn backend(e: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn row_of(record: &Record) -> session_store::Result<db::sessions::SessionRow> {
    let auth = session_cookie::auth_in(&record.data);
    Ok(db::sessions::SessionRow {
        user_id: auth.map(|a| a.user_id),
        epoch: auth.map(|a| a.epoch),
        data: serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?,
        expiry_date: record.expiry_date.unix_timestamp(),
    })
}

#[async_trait]
impl SessionStore for SessionRows {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let row = row_of(record)?;
        // A new random id colliding with a live one is all but impossible; never overwrite.
        while !db::sessions::create(&self.0, &record.id.to_string(), &row).await.map_err(backend)? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        db::sessions::save(&self.0, &record.id.to_string(), &row_of(record)?).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(row) = db::sessions::load(&self.0, &id.to_string(), now()).await.map_err(backend)? else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&row.data).map_err(|e| session_store::Error::Decode(e.to_string()))?,
            expiry_date: OffsetDateTime::from_unix_timestamp(row.expiry_date)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        db::sessions::delete(&self.0, &id.to_string()).await.map_err(backend)
    }
}

#[async_trait]
impl ExpiredDeletion for SessionRows {
    async fn delete_expired(&self) -> session_store::Result<()> {
        db::sessions::delete_expired(&self.0, now()).await.map(|_| ()).map_err(backend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::{testing, users};
    use std::sync::Arc;
    use tower_sessions::{Session, cookie::time::Duration};

    async fn person(db: &Db, username: &str) -> crate::domain::ids::UserId {
        let user = users::NewUser { username, full_name: "P", email: "p@example.com", password_hash: "x" };
        users::insert(db, user).await.unwrap()
    }

    /// A record naming `user` at `epoch`, expiring `ttl` from now.
    fn record(user: crate::domain::ids::UserId, epoch: i64, ttl: Duration) -> Record {
        let mut data = std::collections::HashMap::new();
        data.insert("auth".to_owned(), serde_json::json!({ "user_id": user, "epoch": epoch }));
        data.insert("other".to_owned(), serde_json::json!(["kept", 1]));
        let expiry_date =
            OffsetDateTime::from_unix_timestamp((OffsetDateTime::now_utc() + ttl).unix_timestamp()).unwrap();
        Record { id: Id::default(), data, expiry_date }
    }

    /// The person and unread count of a session as a page render finds them.
    async fn render_of(store: &SessionRows, id: Id, cap: i64) -> Option<(String, i64)> {
        let session = Session::new(Some(id), Arc::new(store.clone()), None);
        session_cookie::signed_in_with_unread(&store.0, &session, cap)
            .await
            .unwrap()
            .map(|(me, unread)| (me.username, unread))
    }

    async fn stored(store: &SessionRows, record: &Record) -> Record {
        let mut record = record.clone();
        store.create(&mut record).await.unwrap();
        record
    }

    /// The person of a session as a page finds them: a session loaded from its cookie.
    async fn person_of(store: &SessionRows, id: Id) -> Option<String> {
        let session = Session::new(Some(id), Arc::new(store.clone()), None);
        session_cookie::signed_in(&store.0, &session).await.unwrap().map(|me| me.username)
    }

    #[tokio::test]
    async fn records_round_trip_and_a_new_session_never_overwrites_another() {
        let db = testing::database().await;
        let store = SessionRows(db.clone());
        let ada = person(&db, "ada").await;
        let first = stored(&store, &record(ada, 0, Duration::hours(1))).await;
        assert_eq!(store.load(&first.id).await.unwrap(), Some(first.clone()));

        let mut colliding = record(ada, 7, Duration::hours(2));
        colliding.id = first.id;
        store.create(&mut colliding).await.unwrap();
        assert_ne!(colliding.id, first.id, "a colliding id is replaced");
        assert_eq!(store.load(&first.id).await.unwrap(), Some(first.clone()), "and the first is untouched");
        assert_eq!(store.load(&colliding.id).await.unwrap(), Some(colliding.clone()));

        let mut changed = first.clone();
        changed.data.remove("other");
        store.save(&changed).await.unwrap();
        assert_eq!(store.load(&first.id).await.unwrap(), Some(changed));
        store.delete(&first.id).await.unwrap();
        assert_eq!(store.load(&first.id).await.unwrap(), None);
        assert_eq!(store.load(&colliding.id).await.unwrap(), Some(colliding));
    }

    #[tokio::test]
    async fn expired_sessions_are_neither_loaded_nor_signed_in_and_the_sweep_deletes_only_them() {
        let db = testing::database().await;
        let store = SessionRows(db.clone());
        let ada = person(&db, "ada").await;
        let live = stored(&store, &record(ada, 0, Duration::hours(1))).await;
        let expired = stored(&store, &record(ada, 0, Duration::seconds(-5))).await;
        assert_eq!(store.load(&expired.id).await.unwrap(), None);
        assert_eq!(person_of(&store, expired.id).await, None);
        assert_eq!(person_of(&store, live.id).await.as_deref(), Some("ada"));
        store.delete_expired().await.unwrap();
        assert_eq!(db::sessions::count(&db).await.unwrap(), 1);
        assert_eq!(person_of(&store, live.id).await.as_deref(), Some("ada"));
    }

    #[tokio::test]
    async fn a_session_names_its_person_until_a_password_change_or_deletion_and_is_then_ended() {
        let db = testing::database().await;
        let store = SessionRows(db.clone());
        let (ada, bob) = (person(&db, "ada").await, person(&db, "bob").await);
        let ada_session = stored(&store, &record(ada, 0, Duration::hours(1))).await;
        let bob_session = stored(&store, &record(bob, 0, Duration::hours(1))).await;
        let nobody =
            stored(&store, &Record { data: Default::default(), ..record(ada, 0, Duration::hours(1)) }).await;
        assert_eq!(person_of(&store, ada_session.id).await.as_deref(), Some("ada"));
        assert_eq!(person_of(&store, bob_session.id).await.as_deref(), Some("bob"));
        assert_eq!(person_of(&store, nobody.id).await, None, "a session naming nobody signs nobody in");
        assert_eq!(person_of(&store, Id::default()).await, None, "an unknown id signs nobody in");

        assert_eq!(users::replace_password(&db, ada, "x", "y").await.unwrap(), Some(1));
        assert_eq!(person_of(&store, ada_session.id).await, None, "a password change retires the session");
        assert_eq!(store.load(&ada_session.id).await.unwrap(), None, "and it is ended");
        let renewed = stored(&store, &record(ada, 1, Duration::hours(1))).await;
        assert_eq!(
            person_of(&store, renewed.id).await.as_deref(),
            Some("ada"),
            "a session at the new epoch counts"
        );

        assert!(users::delete(&db, bob).await.unwrap());
        assert_eq!(
            store.load(&bob_session.id).await.unwrap(),
            None,
            "deleting the person deletes their sessions"
        );
        assert_eq!(person_of(&store, bob_session.id).await, None);
        assert_eq!(person_of(&store, renewed.id).await.as_deref(), Some("ada"), "nobody else's");
    }

    #[tokio::test]
    async fn a_render_finds_its_person_with_their_own_unread_count_up_to_the_cap() {
        let db = testing::database().await;
        let store = SessionRows(db.clone());
        let (ada, bob, cat, dan) = (
            person(&db, "ada").await,
            person(&db, "bob").await,
            person(&db, "cat").await,
            person(&db, "dan").await,
        );
        for follower in [bob, cat, dan] {
            db::follows::follow(&db, follower, ada).await.unwrap();
        }
        db::follows::follow(&db, ada, bob).await.unwrap();
        let ada_session = stored(&store, &record(ada, 0, Duration::hours(1))).await;
        let bob_session = stored(&store, &record(bob, 0, Duration::hours(1))).await;
        let cat_session = stored(&store, &record(cat, 0, Duration::hours(1))).await;
        assert_eq!(render_of(&store, ada_session.id, 100).await, Some(("ada".to_owned(), 3)));
        assert_eq!(render_of(&store, ada_session.id, 2).await, Some(("ada".to_owned(), 2)), "capped");
        assert_eq!(render_of(&store, bob_session.id, 100).await, Some(("bob".to_owned(), 1)));
        assert_eq!(render_of(&store, cat_session.id, 100).await, Some(("cat".to_owned(), 0)));
        let expired = stored(&store, &record(ada, 0, Duration::seconds(-5))).await;
        assert_eq!(render_of(&store, expired.id, 100).await, None);
        assert_eq!(users::replace_password(&db, bob, "x", "y").await.unwrap(), Some(1));
        assert_eq!(render_of(&store, bob_session.id, 100).await, None, "a retired epoch");
        assert_eq!(store.load(&bob_session.id).await.unwrap(), None, "and it is ended");
    }
}
