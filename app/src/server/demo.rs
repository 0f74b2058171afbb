//! Demo data: fills an empty instance with people, generated photos (drawn in code, no
//! downloads), follows, likes and comments, so a newcomer sees a living site at once.
//! Every demo account's password is `DEMO_PASSWORD`.

use crate::{
    domain::{AltText, Caption, CommentText, Password},
    error::AppError,
    server::{db, media::Upload, posts, profiles, state::AppState},
};
use image::{ImageFormat, Rgb, RgbImage};
use std::io::Cursor;

pub const DEMO_PASSWORD: &str = "shutter-demo";

const PEOPLE: &[(&str, &str, &str)] = &[
    ("ada", "Ada Lovelace", "Poet of numbers. Sunsets and engines."),
    ("grace", "Grace Hopper", "Debugging the sky since 1947."),
    ("alan", "Alan Turing", "Long runs, longer questions."),
    ("hedy", "Hedy Lamarr", "Frequency hopping between cities."),
    ("katherine", "Katherine Johnson", "Trajectories, mostly upward."),
    ("linus", "Linus T.", "Penguins and pull requests."),
    ("margaret", "Margaret Hamilton", "Software for the moon; photos for earth."),
    ("radia", "Radia Perlman", "Spanning trees, literally."),
    ("barbara", "Barbara Liskov", "Substitutable landscapes."),
    ("dennis", "Dennis R.", "Small tools, big views."),
    ("frances", "Frances Allen", "Optimising weekends."),
    ("john", "John von N.", "Self-replicating holiday photos."),
    ("sophie", "Sophie Wilson", "Designing chips and coffee."),
    ("tim", "Tim B-L", "Linking everything."),
    ("annie", "Annie Easley", "Rocket fuel and road trips."),
    ("edsger", "Edsger D.", "Shortest paths to the beach."),
    ("karen", "Karen Spärck Jones", "Indexing the world's sunsets."),
    ("donald", "Donald K.", "Art of computer photography, vol. 1."),
    ("mary", "Mary Kenneth Keller", "First light, first frame."),
    ("ken", "Ken T.", "Unix and unicorns."),
    ("shafi", "Shafi G.", "Zero-knowledge landscapes."),
    ("leslie", "Leslie L.", "Clocks, time and timelines."),
    ("jean", "Jean Bartik", "Programming the ENIAC, then the camera."),
    ("vint", "Vint C.", "Packets of postcards."),
];

const CAPTIONS: &[&str] = &[
    "Golden hour never gets old #sunset #golden",
    "Weekend in the hills #travel #hiking",
    "Coffee first, questions later #coffee",
    "City lights from the roof #city #night",
    "Found this on a walk with @ada #nature",
    "Minimalism, but make it colourful #design",
    "Low tide, high spirits #sea #travel",
    "Morning run done #running",
    "The view from the office today #work",
    "Patterns everywhere #design #pattern",
    "",
    "Can't stop looking at this sky #sunset",
];

const COMMENTS: &[&str] = &[
    "Wow, stunning!",
    "Where is this?",
    "Those colours 😍",
    "Take me there!",
    "Great shot 👏",
    "Love this one",
    "This is my new wallpaper",
    "So calm.",
];

/// A small deterministic generator: the demo is the same on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A "photo": a sky gradient with a sun and hills, in a palette picked by the dice.
fn painting(dice: &mut Dice, width: u32, height: u32) -> Vec<u8> {
    let palettes: [([u8; 3], [u8; 3]); 6] = [
        ([255, 94, 77], [255, 205, 130]),
        ([43, 88, 118], [78, 205, 196]),
        ([95, 44, 130], [73, 160, 157]),
        ([255, 175, 189], [255, 195, 160]),
        ([20, 30, 48], [36, 59, 85]),
        ([86, 171, 47], [168, 224, 99]),
    ];
    let (top, bottom) = palettes[dice.below(palettes.len())];
    let sun = (dice.below(width as usize) as f32, (height as f32) * (0.2 + dice.below(40) as f32 / 100.0));
    let radius = (width.min(height) as f32) * (0.06 + dice.below(8) as f32 / 100.0);
    let phase = dice.below(628) as f32 / 100.0;
    let hill_colour = [[34, 49, 63], [44, 62, 80], [20, 20, 30]][dice.below(3)];
    let image = RgbImage::from_fn(width, height, |x, y| {
        let t = y as f32 / height as f32;
        let mix = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * t) as u8;
        let sky = Rgb([mix(top[0], bottom[0]), mix(top[1], bottom[1]), mix(top[2], bottom[2])]);
        let hill = height as f32 * (0.72 + 0.08 * ((x as f32 / width as f32) * 6.0 + phase).sin());
        let (dx, dy) = (x as f32 - sun.0, y as f32 - sun.1);
        if y as f32 > hill {
            Rgb(hill_colour)
        } else if dx * dx + dy * dy < radius * radius {
            Rgb([255, 244, 214])
        } else {
            sky
        }
    });
    let mut png = Vec::new();
    // Encoding a freshly drawn image into memory cannot fail.
    let _ = image.write_to(&mut Cursor::new(&mut png), ImageFormat::Png);
    png
}

/// Fills the instance. Refuses if anyone has signed up already.
pub async fn fill(state: &AppState) -> Result<String, AppError> {
    let users: i64 = db::users::count(&state.db).await?;
    if users > 0 {
        return Err(AppError::Conflict(
            "This instance already has accounts; the demo only fills an empty one.".into(),
        ));
    }
    let mut dice = Dice(0x5EED_5EED_5EED_5EED);
    let hash = state.passwords.hash(Password::parse(DEMO_PASSWORD)?).await?;
    let mut ids = Vec::new();
    for (username, full_name, bio) in PEOPLE {
        let user = db::users::NewUser {
            username,
            full_name,
            email: &format!("{username}@demo.invalid"),
            password_hash: &hash,
        };
        let id = db::users::insert(&state.db, user).await?;
        db::users::update_profile(&state.db, id, full_name, &format!("{username}@demo.invalid"), bio).await?;
        profiles::set_avatar(state, id, painting(&mut dice, 400, 400)).await?;
        ids.push(id);
    }
    let mut post_ids = Vec::new();
    for round in 0..3 {
        for &owner in &ids {
            if dice.below(4) == 0 && round > 0 {
                continue;
            }
            let photos = if dice.below(5) == 0 { 2 + dice.below(2) } else { 1 };
            let uploads = (0..photos)
                .map(|_| {
                    let (w, h) = [(1080, 1080), (1080, 1350), (1440, 960)][dice.below(3)];
                    Upload {
                        bytes: painting(&mut dice, w, h),
                        alt: AltText::parse("A generated landscape").unwrap_or_default(),
                    }
                })
                .collect();
            let caption = Caption::parse(CAPTIONS[dice.below(CAPTIONS.len())])?;
            post_ids.push(posts::create(state, owner, caption, uploads).await?);
        }
    }
    for &follower in &ids {
        for &followee in &ids {
            // The first people are the popular ones.
            if follower != followee
                && dice.below(ids.len())
                    < ids.len().saturating_sub(ids.iter().position(|i| *i == followee).unwrap_or(0)) / 2
            {
                db::follows::follow(&state.db, follower, followee).await?;
            }
        }
    }
    for &post in &post_ids {
        for &user in &ids {
            if dice.below(3) == 0 {
                super::social::like_post(state, user, post).await?;
            }
        }
        for _ in 0..dice.below(4) {
            let author = ids[dice.below(ids.len())];
            let text = CommentText::parse(COMMENTS[dice.below(COMMENTS.len())])?;
            let mut tx = state.db.begin_write().await?;
            db::comments::add(&mut tx, post, author, text.as_str()).await?;
            tx.commit().await?;
        }
    }
    Ok(format!(
        "Demo ready: {} people, {} posts. Sign in as any of them (e.g. \"ada\") with the password \"{DEMO_PASSWORD}\".",
        ids.len(),
        post_ids.len()
    ))
}
