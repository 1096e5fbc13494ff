// Package tikv reproduces, in its own words, the coprocessor handler of
// unistore (a TiKV-compatible server for TiDB) as it was before commit
// 1d0821d5917dd36055e77ff40b5e8460208b6be4 ("Make map with capacity",
// ngaut/unistore PR #58: https://github.com/ngaut/unistore/pull/58;
// before/ is the code before the change, after/ as changed). Every
// coprocessor request's table or index scan sets the columns it reads on
// the request's evaluation context, which indexes them by column ID in a
// map made empty and filled from the column list of known length; the
// fix gives the make that length.
package tikv

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ColumnInfo describes one column a scan reads.
type ColumnInfo struct {
	ColumnID int64  `json:"column_id"`
	Tp       string `json:"tp"`
	PkHandle bool   `json:"pk_handle"`
}

// FieldType is how a column's values are decoded.
type FieldType struct {
	Tp       string
	Unsigned bool
}

func fieldTypeFromColumn(col *ColumnInfo) *FieldType {
	return &FieldType{Tp: strings.TrimPrefix(col.Tp, "unsigned "), Unsigned: strings.HasPrefix(col.Tp, "unsigned ")}
}

// Executor is one step of a coprocessor request's plan.
type Executor struct {
	TblScan *TableScan `json:"tbl_scan,omitempty"`
	IdxScan *IndexScan `json:"idx_scan,omitempty"`
}

// TableScan reads the rows of a table.
type TableScan struct {
	TableID int64         `json:"table_id"`
	Columns []*ColumnInfo `json:"columns"`
}

// IndexScan reads the entries of an index.
type IndexScan struct {
	TableID int64         `json:"table_id"`
	IndexID int64         `json:"index_id"`
	Columns []*ColumnInfo `json:"columns"`
}

// Request is a coprocessor request: a plan and the rows it outputs.
type Request struct {
	StartTS       uint64      `json:"start_ts"`
	Executors     []*Executor `json:"executors"`
	OutputOffsets []int       `json:"output_offsets"`
}

// Response holds the encoded output rows or an error.
type Response struct {
	Rows       []string `json:"rows,omitempty"`
	OtherError string   `json:"other_error,omitempty"`
}

type evalContext struct {
	colIDs      map[int64]int
	columnInfos []*ColumnInfo
	fieldTps    []*FieldType
}

func (e *evalContext) setColumnInfo(cols []*ColumnInfo) {
	e.columnInfos = make([]*ColumnInfo, len(cols))
	copy(e.columnInfos, cols)

	e.colIDs = make(map[int64]int) // want mapprealloc "."
	e.fieldTps = make([]*FieldType, 0, len(e.columnInfos))
	for i, col := range e.columnInfos {
		e.fieldTps = append(e.fieldTps, fieldTypeFromColumn(col))
		e.colIDs[col.ColumnID] = i
	}
}

type dagContext struct {
	req     *Request
	evalCtx *evalContext
}

type executor interface {
	// Next returns the next row, or nil at the end.
	Next() ([]string, error)
}

// HandleCopRequest runs one coprocessor request against the store.
func (svr *Server) HandleCopRequest(req *Request) *Response {
	ctx := &dagContext{req: req, evalCtx: &evalContext{}}
	e, err := svr.buildDAG(ctx, req.Executors)
	if err != nil {
		return &Response{OtherError: err.Error()}
	}
	resp := &Response{}
	for {
		row, err := e.Next()
		if err != nil {
			return &Response{OtherError: err.Error()}
		}
		if row == nil {
			return resp
		}
		out := make([]string, 0, len(req.OutputOffsets))
		for _, off := range req.OutputOffsets {
			if off < 0 || off >= len(row) {
				return &Response{OtherError: fmt.Sprintf("bad output offset %d", off)}
			}
			out = append(out, row[off])
		}
		resp.Rows = append(resp.Rows, strings.Join(out, ","))
	}
}

func (svr *Server) buildDAG(ctx *dagContext, executors []*Executor) (executor, error) {
	if len(executors) == 0 {
		return nil, errors.New("empty plan")
	}
	switch first := executors[0]; {
	case first.TblScan != nil:
		return svr.buildTableScan(ctx, first.TblScan)
	case first.IdxScan != nil:
		return svr.buildIndexScan(ctx, first.IdxScan)
	}
	return nil, errors.New("plan must begin with a scan")
}

func (svr *Server) buildTableScan(ctx *dagContext, scan *TableScan) (executor, error) {
	ctx.evalCtx.setColumnInfo(scan.Columns)
	rows := svr.snapshot(scan.TableID, ctx.req.StartTS)
	return &tableScanExec{rows: rows, colIDs: ctx.evalCtx.colIDs, cols: ctx.evalCtx.columnInfos}, nil
}

func (svr *Server) buildIndexScan(ctx *dagContext, scan *IndexScan) (executor, error) {
	if len(scan.Columns) == 0 {
		return nil, errors.New("index scan without columns")
	}
	ctx.evalCtx.setColumnInfo(scan.Columns)
	cols := scan.Columns
	if cols[len(cols)-1].PkHandle {
		cols = cols[:len(cols)-1]
	}
	rows := svr.snapshot(scan.TableID, ctx.req.StartTS)
	sort.Slice(rows, func(i, j int) bool {
		return rows[i][cols[0].ColumnID] < rows[j][cols[0].ColumnID]
	})
	return &tableScanExec{rows: rows, colIDs: ctx.evalCtx.colIDs, cols: cols}, nil
}

// tableScanExec outputs, for each row, the values of its columns in the
// order the scan listed them.
type tableScanExec struct {
	rows   []map[int64]string
	colIDs map[int64]int
	cols   []*ColumnInfo
}

func (e *tableScanExec) Next() ([]string, error) {
	if len(e.rows) == 0 {
		return nil, nil
	}
	r := e.rows[0]
	e.rows = e.rows[1:]
	out := make([]string, len(e.cols))
	for _, c := range e.cols {
		out[e.colIDs[c.ColumnID]] = r[c.ColumnID]
	}
	return out, nil
}
