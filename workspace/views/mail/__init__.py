"""The mailgroup's pages and API (group mail settings, subscription, held mail, the
one-click unsubscribe, digests) and the accounts that start or return by mail
(invitations, password resets)."""
