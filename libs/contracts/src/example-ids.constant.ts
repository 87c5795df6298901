// The contracts' examples describe one session of one organisation, so they read as one story.
export const EXAMPLE_SID = '0197a3c2-4f1e-7b2a-9c3d-5e6f7a8b9c0d';
export const EXAMPLE_ORG_ID = '2f9c1b7e-8d4a-4e3b-a1c2-6d5e4f3a2b1c';
