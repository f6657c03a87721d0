"""Expert referrals: asking (`/referrals/@@ask`, POST /api/referrals), a referral's page
and JSON, candidates, invitations with signed Accept and Decline links, answers,
follow-up questions, closing, deadlines and reminders, and the admins' overview."""
