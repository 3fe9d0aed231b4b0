package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"ripple/internal/channel"
	"ripple/internal/event"
)

// channelIDs numbers the distinct channels of each workspace. Events carry
// the number; the channels table holds the rest. Ids are handed out in
// memory and the new rows inserted before the events that use them.
type channelIDs struct {
	mu   sync.Mutex
	ids  map[channelVariant]int32
	next int32
}

type channelVariant struct {
	workspace string
	c         channel.Channel
}

func (v channelVariant) clone() channelVariant {
	c := v.c
	for _, s := range []*string{&c.Source, &c.Medium, &c.Campaign, &c.Content, &c.Term, &c.Platform, &c.Group} {
		*s = strings.Clone(*s)
	}
	c.Ownership = channel.Ownership(strings.Clone(string(c.Ownership)))
	return channelVariant{strings.Clone(v.workspace), c}
}

// loadChannels reads the channels table into memory.
func (s *Store) loadChannels(ctx context.Context) error {
	s.channels = channelIDs{ids: map[channelVariant]int32{}, next: 1}
	rows, err := s.db.QueryContext(ctx, `SELECT id, workspace_id, platform, ownership, skippable, channel_group,
		source, medium, campaign, content, term FROM channels`)
	if err != nil {
		return fmt.Errorf("store: load channels: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int32
		var v channelVariant
		var own string
		var src, med, camp, cont, term sql.NullString
		if err := rows.Scan(&id, &v.workspace, &v.c.Platform, &own, &v.c.Skippable, &v.c.Group, &src, &med, &camp, &cont, &term); err != nil {
			return fmt.Errorf("store: load channels: %w", err)
		}
		v.c.Ownership = channel.Ownership(own)
		v.c.Source, v.c.Medium, v.c.Campaign, v.c.Content, v.c.Term = src.String, med.String, camp.String, cont.String, term.String
		s.channels.ids[v] = id
		s.channels.next = max(s.channels.next, id+1)
	}
	return rows.Err()
}

// channelIDsOf returns the channel id of each message not marked dup,
// inserting the channels seen for the first time.
func (s *Store) channelIDsOf(ctx context.Context, msgs []event.Message, dup []bool) ([]int32, error) {
	c := &s.channels
	c.mu.Lock()
	defer c.mu.Unlock()
	ids := make([]int32, len(msgs))
	var fresh []channelVariant
	for i := range msgs {
		if dup[i] {
			continue
		}
		v := channelVariant{msgs[i].Workspace, msgs[i].Channel}
		id, ok := c.ids[v]
		if !ok {
			// The message's strings may point into a buffer its caller
			// reuses once the message is stored; the map keeps copies.
			v = v.clone()
			id = c.next
			c.next++
			c.ids[v] = id
			fresh = append(fresh, v)
		}
		ids[i] = id
	}
	if len(fresh) == 0 {
		return ids, nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO channels (id, workspace_id, key, platform, ownership, skippable, channel_group, source, medium, campaign, content, term) VALUES `)
	args := make([]any, 0, 12*len(fresh))
	for i, v := range fresh {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, c.ids[v], v.workspace, v.c.Key(), v.c.Platform, string(v.c.Ownership), v.c.Skippable, v.c.Group,
			nullable(v.c.Source), nullable(v.c.Medium), nullable(v.c.Campaign), nullable(v.c.Content), nullable(v.c.Term))
	}
	if _, err := s.db.ExecContext(ctx, q.String(), args...); err != nil {
		for _, v := range fresh {
			delete(c.ids, v) // not stored: hand out a new id next time
		}
		return nil, fmt.Errorf("store: insert channels: %w", err)
	}
	return ids, nil
}

// nullable is s as a query argument, the empty string as NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
