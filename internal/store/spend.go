package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Spend is what one channel cost a workspace on one day.
type Spend struct {
	Day     time.Time
	Channel string // channel key, as on events
	Amount  float64
}

// AppendSpend stores daily spend rows for a workspace.
func (s *Store) AppendSpend(ctx context.Context, workspace string, rows []Spend) error {
	// Check every row first: nothing of a bad batch is stored.
	for _, r := range rows {
		if r.Amount < 0 {
			return fmt.Errorf("store: spend on %s for %s: amount %v is negative", r.Day.Format(time.DateOnly), r.Channel, r.Amount)
		}
	}
	s.appendMu.RLock()
	defer s.appendMu.RUnlock()
	err := s.rawConn(ctx, func(dc driver.Conn) error {
		a, err := duckdb.NewAppenderFromConn(dc, "", "spend")
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := a.AppendRow(workspace, r.Day.UTC().Truncate(24*time.Hour), r.Channel, r.Amount); err != nil {
				a.Clear() // or Close would store the rows before it
				a.Close()
				return err
			}
		}
		return a.Close()
	})
	if err != nil {
		return fmt.Errorf("store: append spend: %w", err)
	}
	return nil
}
