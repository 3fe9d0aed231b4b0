package store

/*
#include <stdlib.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"

	"ripple/internal/event"
)

// eventAppender appends rows to the events table through DuckDB's C API, on
// a connection of its own to the store's database. It writes each row
// straight into a data chunk's vectors: numbers and timestamps in place,
// strings as DuckDB's 16-byte string headers that point into an arena outside
// the Go heap. A row costs no cgo call and no allocation; DuckDB copies the
// chunk when it is full. duckdb-go's Appender boxes every value and makes one
// cgo call per string and per NULL, which was a fifth of an import's time.
//
// An eventAppender is not safe for concurrent use.
type eventAppender struct {
	db    mapping.Database
	conn  mapping.Connection
	app   mapping.Appender
	chunk mapping.DataChunk
	data  [eventColumns]unsafe.Pointer // each vector's values
	valid [eventColumns][]uint64       // each vector's validity bits
	rows  int                          // rows in the chunk
	arena arena                        // the chunk's long strings
}

// eventColumns is the number of columns of the events table.
const eventColumns = 21

// The events table's columns, in the order the migrations leave them.
const (
	colWorkspace = iota
	colMessageID
	colType
	colUserID
	colAnonymousID
	colPreviousID
	colGroupID
	colEvent
	colName
	colTS
	colOriginalTS
	colSentAt
	colReceivedAt
	colProperties
	colTraits
	colContext
	colChannelID
	colStageRank
	colRevenue
	colCurrency
	colText
)

// eventColumnTypes is what the appender writes into each column; opening an
// appender fails if the table says otherwise.
var eventColumnTypes = [eventColumns]mapping.Type{
	colWorkspace: mapping.TypeVarchar, colMessageID: mapping.TypeVarchar, colType: mapping.TypeVarchar,
	colUserID: mapping.TypeVarchar, colAnonymousID: mapping.TypeVarchar, colPreviousID: mapping.TypeVarchar,
	colGroupID: mapping.TypeVarchar, colEvent: mapping.TypeVarchar, colName: mapping.TypeVarchar,
	colTS: mapping.TypeTimestamp, colOriginalTS: mapping.TypeTimestamp, colSentAt: mapping.TypeTimestamp,
	colReceivedAt: mapping.TypeTimestamp,
	colProperties: mapping.TypeVarchar, colTraits: mapping.TypeVarchar, colContext: mapping.TypeVarchar,
	colChannelID: mapping.TypeInteger, colStageRank: mapping.TypeTinyInt, colRevenue: mapping.TypeDouble,
	colCurrency: mapping.TypeVarchar, colText: mapping.TypeVarchar,
}

// chunkRows is DuckDB's vector size: how many rows a data chunk holds.
var chunkRows = int(mapping.VectorSize())

// openEventAppender connects to the database file at path, which the store
// has open: DuckDB's instance cache hands back the same database.
func openEventAppender(path string) (*eventAppender, error) {
	e := &eventAppender{}
	var cfg mapping.Config
	if mapping.CreateConfig(&cfg) == mapping.StateError {
		return nil, errors.New("appender: create config")
	}
	mapping.SetConfig(cfg, "duckdb_api", "go") // as the store's own connector opened it
	var msg string
	state := mapping.GetOrCreateFromCache(duckdb.GetInstanceCache(), path, &e.db, cfg, &msg)
	mapping.DestroyConfig(&cfg)
	if state == mapping.StateError {
		mapping.Close(&e.db)
		return nil, fmt.Errorf("appender: open database: %s", msg)
	}
	if mapping.Connect(e.db, &e.conn) == mapping.StateError {
		mapping.Close(&e.db)
		return nil, errors.New("appender: connect")
	}
	if mapping.AppenderCreateExt(e.conn, "", "", "events", &e.app) == mapping.StateError {
		err := fmt.Errorf("appender: %s", mapping.AppenderError(e.app))
		e.close()
		return nil, err
	}
	types := make([]mapping.LogicalType, mapping.AppenderColumnCount(e.app))
	defer func() {
		for i := range types {
			mapping.DestroyLogicalType(&types[i])
		}
	}()
	for i := range types {
		types[i] = mapping.AppenderColumnType(e.app, mapping.IdxT(i))
	}
	if err := checkEventTypes(types); err != nil {
		e.close()
		return nil, err
	}
	e.chunk = mapping.CreateDataChunk(types)
	e.resetChunk()
	return e, nil
}

func checkEventTypes(types []mapping.LogicalType) error {
	if len(types) != eventColumns {
		return fmt.Errorf("appender: the events table has %d columns, not %d", len(types), eventColumns)
	}
	for i, lt := range types {
		if t := mapping.GetTypeId(lt); t != eventColumnTypes[i] {
			return fmt.Errorf("appender: events column %d has type %d, not %d", i, t, eventColumnTypes[i])
		}
	}
	return nil
}

// resetChunk empties the chunk and finds its vectors' memory anew: a reset
// may hand a vector a different buffer, and marks every row valid again.
func (e *eventAppender) resetChunk() {
	mapping.DataChunkReset(e.chunk)
	for i := range eventColumns {
		v := mapping.DataChunkGetVector(e.chunk, mapping.IdxT(i))
		mapping.VectorEnsureValidityWritable(v)
		e.data[i] = mapping.VectorGetData(v)
		e.valid[i] = unsafe.Slice((*uint64)(mapping.VectorGetValidity(v)), chunkRows/64)
	}
	e.rows = 0
	e.arena.reset()
}

// exec runs a statement, such as BEGIN or COMMIT, on the appender's connection.
func (e *eventAppender) exec(query string) error {
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.Query(e.conn, query, &res) == mapping.StateError {
		return errors.New(mapping.ResultError(&res))
	}
	return nil
}

// append adds the messages not marked dup, with their channel ids, to what
// the next flush stores.
func (e *eventAppender) append(msgs []event.Message, dup []bool, chans []int32) error {
	for i := range msgs {
		if dup[i] {
			continue
		}
		if e.rows == chunkRows {
			if err := e.appendChunk(); err != nil {
				return err
			}
		}
		e.row(&msgs[i], chans[i])
	}
	return nil
}

// appendChunk hands the chunk's rows to DuckDB, which copies them.
func (e *eventAppender) appendChunk() error {
	if e.rows == 0 {
		return nil
	}
	mapping.DataChunkSetSize(e.chunk, mapping.IdxT(e.rows))
	state := mapping.AppendDataChunk(e.app, e.chunk)
	e.resetChunk()
	if state == mapping.StateError {
		return errors.New(mapping.AppenderError(e.app))
	}
	return nil
}

// flush stores every row appended so far in the connection's transaction:
// outside one, it commits them.
func (e *eventAppender) flush() error {
	if err := e.appendChunk(); err != nil {
		return err
	}
	if mapping.AppenderFlush(e.app) == mapping.StateError {
		return errors.New(mapping.AppenderError(e.app))
	}
	return nil
}

// clear drops the rows appended since the last flush.
func (e *eventAppender) clear() {
	e.resetChunk()
	mapping.AppenderClear(e.app)
}

// close drops unflushed rows and releases the appender and its connection.
func (e *eventAppender) close() {
	if e.app.Ptr != nil {
		mapping.AppenderClear(e.app) // destroying an appender flushes it
		mapping.AppenderDestroy(&e.app)
	}
	mapping.DestroyDataChunk(&e.chunk)
	mapping.Disconnect(&e.conn)
	mapping.Close(&e.db)
	e.arena.free()
}

// row writes one message as the chunk's next row.
func (e *eventAppender) row(m *event.Message, channelID int32) {
	r := e.rows
	e.rows++
	e.str(colWorkspace, r, m.Workspace)
	e.str(colMessageID, r, m.MessageID)
	e.str(colType, r, string(m.Type))
	e.str(colUserID, r, m.UserID)
	e.str(colAnonymousID, r, m.AnonymousID)
	e.str(colPreviousID, r, m.PreviousID)
	e.str(colGroupID, r, m.GroupID)
	e.str(colEvent, r, m.Event)
	e.str(colName, r, m.Name)
	e.time(colTS, r, m.Timestamp)
	e.time(colOriginalTS, r, m.OriginalTimestamp)
	e.time(colSentAt, r, m.SentAt)
	e.time(colReceivedAt, r, m.ReceivedAt)
	e.str(colProperties, r, unsafe.String(unsafe.SliceData(m.Properties), len(m.Properties)))
	e.str(colTraits, r, unsafe.String(unsafe.SliceData(m.Traits), len(m.Traits)))
	e.str(colContext, r, unsafe.String(unsafe.SliceData(m.Context), len(m.Context)))
	*(*int32)(unsafe.Add(e.data[colChannelID], r*4)) = channelID
	*(*int8)(unsafe.Add(e.data[colStageRank], r)) = int8(m.Stage.Rank())
	if m.Revenue == 0 {
		e.null(colRevenue, r)
	} else {
		*(*float64)(unsafe.Add(e.data[colRevenue], r*8)) = m.Revenue
	}
	e.str(colCurrency, r, m.Currency)
	e.str(colText, r, m.Text)
}

func (e *eventAppender) null(col, r int) { e.valid[col][r>>6] &^= 1 << (r & 63) }

// time writes a timestamp in DuckDB's microseconds, the zero time as NULL
// (the columns that must not be NULL are always set by parsing).
func (e *eventAppender) time(col, r int, t time.Time) {
	if t.IsZero() {
		e.null(col, r)
		return
	}
	*(*int64)(unsafe.Add(e.data[col], r*8)) = t.UnixMicro()
}

// str writes s as DuckDB's string header: its length, then up to 12 bytes
// inline, or its first 4 bytes and a pointer to a copy in the arena. An empty
// string is NULL: the columns that must not be empty never are. DuckDB trusts
// the bytes to be UTF-8, which parsing guarantees; anything else is replaced
// rather than stored as a string DuckDB cannot read.
func (e *eventAppender) str(col, r int, s string) {
	if s == "" {
		e.null(col, r)
		return
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	h := (*[16]byte)(unsafe.Add(e.data[col], r*16))
	*(*uint32)(unsafe.Pointer(h)) = uint32(len(s))
	if len(s) <= 12 {
		*(*[12]byte)(h[4:]) = [12]byte{}
		copy(h[4:], s)
		return
	}
	copy(h[4:8], s)
	*(*uintptr)(unsafe.Pointer(&h[8])) = uintptr(e.arena.copy(s))
}

// arena holds a chunk's long strings in C memory, which DuckDB may be
// pointed at; it is reused chunk after chunk.
type arena struct {
	blocks [][]byte
	cur    int // the block being filled
	off    int // how much of it is used
}

const arenaBlock = 1 << 20 // bigger than any string: a message is at most 32 KB

func (a *arena) copy(s string) unsafe.Pointer {
	for {
		if a.cur == len(a.blocks) {
			n := max(arenaBlock, len(s))
			a.blocks = append(a.blocks, unsafe.Slice((*byte)(C.malloc(C.size_t(n))), n))
		}
		if b := a.blocks[a.cur]; len(b)-a.off >= len(s) {
			p := b[a.off : a.off+len(s)]
			copy(p, s)
			a.off += len(s)
			return unsafe.Pointer(unsafe.SliceData(p))
		}
		a.cur, a.off = a.cur+1, 0
	}
}

// reset makes the arena's memory free for the next chunk, keeping a few
// blocks: a chunk of ordinary events needs one.
func (a *arena) reset() {
	const keep = 4
	for i := keep; i < len(a.blocks); i++ {
		C.free(unsafe.Pointer(unsafe.SliceData(a.blocks[i])))
	}
	a.blocks = a.blocks[:min(len(a.blocks), keep)]
	a.cur, a.off = 0, 0
}

func (a *arena) free() {
	for _, b := range a.blocks {
		C.free(unsafe.Pointer(unsafe.SliceData(b)))
	}
	a.blocks, a.cur, a.off = nil, 0, 0
}
