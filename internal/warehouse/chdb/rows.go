package chdb

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"
	"unsafe"

	chgo "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	chproto "github.com/ClickHouse/clickhouse-go/v2/lib/proto"
)

// rows reads a result in the Native format one block at a time, straight
// from the engine's buffer: decoding copies values into Go memory, and the
// engine's result is destroyed once the last block is read or on Close.
type rows struct {
	lib     *lib
	res     unsafe.Pointer
	cleanup runtime.Cleanup

	buf   *bufio.Reader // over the engine's buffer; Peek finds the end
	r     *chgo.Reader
	block *chproto.Block
	row   int // index of the current row in block

	columns []string
	err     error

	rowsRead, bytesRead uint64 // what the engine read to answer
}

// readerSize matches ch-go's reader buffer, so that chgo.NewReader uses
// buf as it is rather than wrapping it in a second bufio.Reader; that is
// what lets buf.Peek see whether another block follows.
const readerSize = 128 << 10

func newRows(l *lib, res unsafe.Pointer) *rows {
	r := &rows{lib: l, res: res, row: -1, rowsRead: l.rowsRead(res), bytesRead: l.bytesRead(res)}
	if n := l.resultLength(res); n > 0 {
		data := unsafe.Slice((*byte)(l.resultBuffer(res)), n)
		r.buf = bufio.NewReaderSize(bytes.NewReader(data), readerSize)
		r.r = chgo.NewReader(r.buf)
	}
	// A caller that forgets Close must not leak the engine's buffer.
	r.cleanup = runtime.AddCleanup(r, func(res unsafe.Pointer) { l.destroy(res) }, res)
	return r
}

// ReadStats returns the rows and bytes the engine read from its tables to
// answer (libchdb's chdb_result_storage_rows_read and _bytes_read;
// chdb_result_rows_read counts the rows of the result): a
// measure of a statement's work that, unlike its time, does not depend on
// what else the machine is doing. Benchmarks report it.
func (r *rows) ReadStats() (rows, bytes uint64) { return r.rowsRead, r.bytesRead }

// Next advances to the next row, decoding the next block when the current
// one is used up.
func (r *rows) Next() bool {
	if r.block != nil && r.row+1 < r.block.Rows() {
		r.row++
		return true
	}
	for r.r != nil {
		if _, err := r.buf.Peek(1); errors.Is(err, io.EOF) {
			break
		}
		// Columns are decoded in UTC: DateTime without a time zone
		// reads as UTC, as the server engine is configured to do.
		b := &chproto.Block{ServerContext: &column.ServerContext{Timezone: time.UTC}}
		if err := b.Decode(r.r, 0); err != nil {
			r.err = fmt.Errorf("chdb query: decode result: %w", err)
			break
		}
		if r.columns == nil {
			r.columns = b.ColumnsNames()
		}
		if b.Rows() > 0 {
			r.block, r.row = b, 0
			return true
		}
	}
	r.release()
	r.block = nil
	return false
}

// Scan copies the current row into dest with clickhouse-go's conversions.
func (r *rows) Scan(dest ...any) error {
	if r.block == nil {
		return errors.New("chdb scan: no current row (call Next first)")
	}
	if len(dest) != len(r.block.Columns) {
		return fmt.Errorf("chdb scan: %d destinations for %d columns", len(dest), len(r.block.Columns))
	}
	for i, d := range dest {
		if err := r.block.Columns[i].ScanRow(d, r.row); err != nil {
			return fmt.Errorf("chdb scan: column %s: %w", r.columns[i], err)
		}
	}
	return nil
}

// Columns names the result's columns. The Native format writes no header
// for an empty result, so for a result with no rows it is nil.
func (r *rows) Columns() []string {
	if r.columns == nil && r.block == nil && r.r != nil {
		// Before the first Next: peek at the first block's header.
		if r.Next() {
			r.row = -1
		}
	}
	return r.columns
}

func (r *rows) Err() error { return r.err }

// Close releases the engine's buffer; it is safe to call more than once.
func (r *rows) Close() error {
	r.release()
	r.block = nil
	return nil
}

func (r *rows) release() {
	if r.res == nil {
		return
	}
	r.cleanup.Stop()
	r.r, r.buf = nil, nil
	r.lib.destroy(r.res)
	r.res = nil
}
