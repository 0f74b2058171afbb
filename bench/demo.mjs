// What the front-end measurement scripts (first-load, lighthouse, navigation,
// photo-bytes) share: the demo's password (`server demo`, app/src/server/demo.rs), the
// pages they measure, and the median they report.

export const DEMO_PASSWORD = 'shutter-demo';

/** The pages measured, signed in as `username`; `post` is a post's path on their feed. */
export function measuredPages(username, post) {
  return [
    { name: 'landing (signed out /)', path: '/', signedIn: false },
    { name: 'feed (signed in /)', path: '/', signedIn: true },
    { name: `profile /users/${username}/`, path: `/users/${username}/`, signedIn: true },
    { name: `post ${post}`, path: post, signedIn: true },
    { name: 'explore /explore/', path: '/explore/', signedIn: true },
  ];
}

/** The middle value (the upper one of an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
