// Package identity owns who a message is about: it resolves a workspace's
// identifiers (user ids, anonymous ids, emails, phone numbers, platform
// handles) into profiles, one per person, incrementally as messages arrive,
// with no nightly rebuild.
//
// # Identifiers
//
// A message's identifiers are its userId, anonymousId and, for an alias, its
// previousId; the email and phone in traits (identify) or context.traits
// (any call); and platform handles, written platform:@name, from
// properties.author_handle with properties.platform, from traits named for a
// platform, or from an id written in that form (docs/events.md lists every
// place). Values are normalised (emails lower-cased, phones to their digits,
// handles lower-cased under the platform's Ripple name) and placeholders
// that clients send when they have none ("null", "undefined", "guest", "0",
// "-1", zeros and dashes, empty...) are never identifiers: they would join
// every stranger who sends them.
//
// # Rules
//
// Resolution follows Segment Unify's flat matching, with the safety rules of
// Segment, RudderStack and PostHog. Every profile that holds one of a
// message's identifiers is merged into one, and the message's new
// identifiers are added to it, unless the result would hold more
// identifiers of a kind than the kind's limit (Rules.Limit: one user id, and
// by default 5 emails, 5 phones, 10 handles, 50 anonymous ids). Then the
// weakest of the message's identifiers that adds to the excess, by the
// kinds' priority (user id, email, phone, handle, anonymous id) and then
// the later in the message, is set aside, and the message is matched again
// without it. So a shared device's anonymous id, seen with a second user
// id, stays with the first person, and the second sign-in starts or finds
// its own profile; an email shared by two accounts joins neither to the
// other. Since every profile is always within its limits, no profile ever
// holds two user ids, and no chain of merges can join two: this is PostHog's
// rule that an identified person is never merged into another, with no
// $merge_dangerously to break it. An alias's previousId is a user id when
// the workspace knows it as one (an alias of two accounts, refused by the
// same limit) and an anonymous id otherwise.
//
// Limits count identifiers ever held, not in a sliding window as Segment's
// can; the anonymous id limit is high for that reason (browsers that clear
// cookies make new ones).
//
// When profiles merge, the one holding the strongest kind of identifier
// survives (a profile with a user id over an anonymous one), the oldest on a
// tie. Every merge is logged: which message merged which profile into
// which, through which of its identifiers, at the message's time.
//
// # State
//
// A Resolver keeps each workspace's graph in memory: an open-addressing
// table from identifier key to the profile the identifier first joined (16
// bytes a slot, the table between 7/16 and 7/8 full), and the profiles as a
// union-find forest (12 bytes a profile). A key is 64 bits of SHA-256 over
// the workspace, kind and value, with the kind in its low bits, so the graph
// is rebuilt from two integers a stored identifier. A workspace's graph is
// loaded from the store on its first batch.
//
// Resolve is the ingest pipeline's identity step: it takes a batch of
// enriched messages, sets each one's Profile (0 when it carries no usable
// identifier) and stores what the batch changed (Store.SaveIdentity, one
// transaction: new identifiers, merges, overrides) before it returns. The
// pipeline stores the events after: an event never names a profile the
// store has not kept, so a crash between the two loses nothing, and the
// retried messages resolve to the same profiles. A Pending does the same for
// a group of batches in one transaction (an import, whose events are stored
// in large transactions too): its messages' events are stored once Commit
// has returned. Changes that cannot be stored leave nothing behind: their
// workspaces' graphs are dropped, to be reloaded from what was stored.
//
// # Finding a message's profile at query time
//
// Events keep the profile they resolved to at ingest (events.profile_id)
// and are never rewritten. A profile merged away later gets an override,
// identity_overrides (workspace, profile_id, into_profile), which always
// names a live profile: when a survivor is merged again, the overrides
// into it are moved along, so every override is one step. An event's
// current profile is then coalesce(o.into_profile, e.profile_id) through
// one LEFT JOIN on a table with a row per merged-away profile (about a
// hundred on the demo), the idea of PostHog's person overrides. The store
// spells the join once (see store.EventProfiles); stored identifiers and
// merges are followed the same way. A later compaction could rewrite old
// events' profile ids and drop their overrides; none is needed yet.
package identity
