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

// cconn is a connection of its own to the store's database through DuckDB's
// C API, for appending rows. The store opened the file; DuckDB's instance
// cache hands back the same database.
type cconn struct {
	db   mapping.Database
	conn mapping.Connection
}

func openConn(path string) (*cconn, error) {
	c := &cconn{}
	var cfg mapping.Config
	if mapping.CreateConfig(&cfg) == mapping.StateError {
		return nil, errors.New("appender: create config")
	}
	mapping.SetConfig(cfg, "duckdb_api", "go") // as the store's own connector opened it
	var msg string
	state := mapping.GetOrCreateFromCache(duckdb.GetInstanceCache(), path, &c.db, cfg, &msg)
	mapping.DestroyConfig(&cfg)
	if state == mapping.StateError {
		mapping.Close(&c.db)
		return nil, fmt.Errorf("appender: open database: %s", msg)
	}
	if mapping.Connect(c.db, &c.conn) == mapping.StateError {
		mapping.Close(&c.db)
		return nil, errors.New("appender: connect")
	}
	return c, nil
}

// exec runs a statement, such as BEGIN or COMMIT, on the connection.
func (c *cconn) exec(query string) error {
	var res mapping.Result
	defer mapping.DestroyResult(&res)
	if mapping.Query(c.conn, query, &res) == mapping.StateError {
		return errors.New(mapping.ResultError(&res))
	}
	return nil
}

func (c *cconn) close() {
	mapping.Disconnect(&c.conn)
	mapping.Close(&c.db)
}

// chunkAppender appends rows to one table through DuckDB's C API. It writes
// each row straight into a data chunk's vectors: numbers and timestamps in
// place, strings as DuckDB's 16-byte string headers that point into an arena
// outside the Go heap. A row costs no cgo call and no allocation; DuckDB
// copies the chunk when it is full. duckdb-go's Appender boxes every value
// and makes one cgo call per string and per NULL, which was a fifth of an
// import's time.
//
// A chunkAppender is not safe for concurrent use.
type chunkAppender struct {
	table string
	app   mapping.Appender
	chunk mapping.DataChunk
	data  []unsafe.Pointer // each vector's values
	valid [][]uint64       // each vector's validity bits
	rows  int              // rows in the chunk
	arena arena            // the chunk's long strings
}

// chunkRows is DuckDB's vector size: how many rows a data chunk holds.
var chunkRows = int(mapping.VectorSize())

// newChunkAppender appends to table on c; opening fails unless the table's
// columns have the types given, in order.
func newChunkAppender(c *cconn, table string, want []mapping.Type) (*chunkAppender, error) {
	a := &chunkAppender{table: table, data: make([]unsafe.Pointer, len(want)), valid: make([][]uint64, len(want))}
	if mapping.AppenderCreateExt(c.conn, "", "", table, &a.app) == mapping.StateError {
		err := fmt.Errorf("appender: %s", mapping.AppenderError(a.app))
		mapping.AppenderDestroy(&a.app)
		return nil, err
	}
	types := make([]mapping.LogicalType, mapping.AppenderColumnCount(a.app))
	defer func() {
		for i := range types {
			mapping.DestroyLogicalType(&types[i])
		}
	}()
	for i := range types {
		types[i] = mapping.AppenderColumnType(a.app, mapping.IdxT(i))
	}
	if len(types) != len(want) {
		mapping.AppenderDestroy(&a.app)
		return nil, fmt.Errorf("appender: the %s table has %d columns, not %d", table, len(types), len(want))
	}
	for i, lt := range types {
		if t := mapping.GetTypeId(lt); t != want[i] {
			mapping.AppenderDestroy(&a.app)
			return nil, fmt.Errorf("appender: %s column %d has type %d, not %d", table, i, t, want[i])
		}
	}
	a.chunk = mapping.CreateDataChunk(types)
	a.resetChunk()
	return a, nil
}

// resetChunk empties the chunk and finds its vectors' memory anew: a reset
// may hand a vector a different buffer, and marks every row valid again.
func (a *chunkAppender) resetChunk() {
	mapping.DataChunkReset(a.chunk)
	for i := range a.data {
		v := mapping.DataChunkGetVector(a.chunk, mapping.IdxT(i))
		mapping.VectorEnsureValidityWritable(v)
		a.data[i] = mapping.VectorGetData(v)
		a.valid[i] = unsafe.Slice((*uint64)(mapping.VectorGetValidity(v)), chunkRows/64)
	}
	a.rows = 0
	a.arena.reset()
}

// next is the chunk row to write next, handing a full chunk to DuckDB first.
func (a *chunkAppender) next() (int, error) {
	if a.rows == chunkRows {
		if err := a.appendChunk(); err != nil {
			return 0, err
		}
	}
	a.rows++
	return a.rows - 1, nil
}

// appendChunk hands the chunk's rows to DuckDB, which copies them.
func (a *chunkAppender) appendChunk() error {
	if a.rows == 0 {
		return nil
	}
	mapping.DataChunkSetSize(a.chunk, mapping.IdxT(a.rows))
	state := mapping.AppendDataChunk(a.app, a.chunk)
	a.resetChunk()
	if state == mapping.StateError {
		return errors.New(mapping.AppenderError(a.app))
	}
	return nil
}

// flush stores every row appended so far in the connection's transaction:
// outside one, it commits them.
func (a *chunkAppender) flush() error {
	if err := a.appendChunk(); err != nil {
		return err
	}
	if mapping.AppenderFlush(a.app) == mapping.StateError {
		return fmt.Errorf("%s: %s", a.table, mapping.AppenderError(a.app))
	}
	return nil
}

// clear drops the rows appended since the last flush.
func (a *chunkAppender) clear() {
	a.resetChunk()
	mapping.AppenderClear(a.app)
}

// close drops unflushed rows and releases the appender.
func (a *chunkAppender) close() {
	if a.app.Ptr != nil {
		mapping.AppenderClear(a.app) // destroying an appender flushes it
		mapping.AppenderDestroy(&a.app)
	}
	mapping.DestroyDataChunk(&a.chunk)
	a.arena.free()
}

func (a *chunkAppender) null(col, r int) { a.valid[col][r>>6] &^= 1 << (r & 63) }

// time writes a timestamp in DuckDB's microseconds, the zero time as NULL
// (the columns that must not be NULL are always set by parsing).
func (a *chunkAppender) time(col, r int, t time.Time) {
	if t.IsZero() {
		a.null(col, r)
		return
	}
	*(*int64)(unsafe.Add(a.data[col], r*8)) = t.UnixMicro()
}

func (a *chunkAppender) int64(col, r int, v int64) { *(*int64)(unsafe.Add(a.data[col], r*8)) = v }

// str writes s as DuckDB's string header: its length, then up to 12 bytes
// inline, or its first 4 bytes and a pointer to a copy in the arena. An empty
// string is NULL: the columns that must not be empty never are. DuckDB trusts
// the bytes to be UTF-8, which parsing guarantees; anything else is replaced
// rather than stored as a string DuckDB cannot read.
func (a *chunkAppender) str(col, r int, s string) {
	if s == "" {
		a.null(col, r)
		return
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	h := (*[16]byte)(unsafe.Add(a.data[col], r*16))
	*(*uint32)(unsafe.Pointer(h)) = uint32(len(s))
	if len(s) <= 12 {
		*(*[12]byte)(h[4:]) = [12]byte{}
		copy(h[4:], s)
		return
	}
	copy(h[4:8], s)
	*(*uintptr)(unsafe.Pointer(&h[8])) = uintptr(a.arena.copy(s))
}

// eventAppender appends rows to the events table on a connection of its
// own. It is not safe for concurrent use.
type eventAppender struct {
	*cconn
	*chunkAppender
}

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
	colProfile
)

// eventColumnTypes is what the appender writes into each column; opening an
// appender fails if the table says otherwise.
var eventColumnTypes = []mapping.Type{
	colWorkspace: mapping.TypeVarchar, colMessageID: mapping.TypeVarchar, colType: mapping.TypeVarchar,
	colUserID: mapping.TypeVarchar, colAnonymousID: mapping.TypeVarchar, colPreviousID: mapping.TypeVarchar,
	colGroupID: mapping.TypeVarchar, colEvent: mapping.TypeVarchar, colName: mapping.TypeVarchar,
	colTS: mapping.TypeTimestamp, colOriginalTS: mapping.TypeTimestamp, colSentAt: mapping.TypeTimestamp,
	colReceivedAt: mapping.TypeTimestamp,
	colProperties: mapping.TypeVarchar, colTraits: mapping.TypeVarchar, colContext: mapping.TypeVarchar,
	colChannelID: mapping.TypeInteger, colStageRank: mapping.TypeTinyInt, colRevenue: mapping.TypeDouble,
	colCurrency: mapping.TypeVarchar, colText: mapping.TypeVarchar, colProfile: mapping.TypeBigInt,
}

// openEventAppender connects to the database file at path, which the store
// has open.
func openEventAppender(path string) (*eventAppender, error) {
	c, err := openConn(path)
	if err != nil {
		return nil, err
	}
	a, err := newChunkAppender(c, "events", eventColumnTypes)
	if err != nil {
		c.close()
		return nil, err
	}
	return &eventAppender{c, a}, nil
}

// append adds the messages not marked dup, with their channel ids, to what
// the next flush stores.
func (e *eventAppender) append(msgs []event.Message, dup []bool, chans []int32) error {
	for i := range msgs {
		if dup[i] {
			continue
		}
		r, err := e.next()
		if err != nil {
			return err
		}
		e.row(r, &msgs[i], chans[i])
	}
	return nil
}

// close drops unflushed rows and releases the appender and its connection.
func (e *eventAppender) close() {
	e.chunkAppender.close()
	e.cconn.close()
}

// row writes one message as chunk row r.
func (e *eventAppender) row(r int, m *event.Message, channelID int32) {
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
	if m.Profile == 0 {
		e.null(colProfile, r)
	} else {
		e.int64(colProfile, r, m.Profile)
	}
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
