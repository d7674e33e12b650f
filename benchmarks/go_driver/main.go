// Command go_driver reads one query through the Trino Go driver (database/sql) and either
// discards the rows or writes them as quoted CSV. It prints one JSON line of results.
// Used by benchmarks/go_vs_tui.py as the Go side of a side-by-side measurement.
package main

import (
	"bufio"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	_ "github.com/trinodb/trino-go-client/trino"
)

func text(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case []byte:
		return string(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	case time.Time:
		return x.Format("2006-01-02 15:04:05.000"), true
	default:
		return fmt.Sprint(x), true
	}
}

func main() {
	dsn := flag.String("dsn", "http://bench@127.0.0.1:8080?catalog=tpch&schema=tiny", "Trino DSN")
	query := flag.String("query", "SELECT * FROM lineitem", "statement")
	encoding := flag.String("encoding", "json+zstd", "spooling encoding, empty for the direct protocol")
	workers := flag.Int("workers", 5, "spooling downloader workers")
	outOfOrder := flag.Int("out-of-order", 10, "segments kept out of order")
	out := flag.String("out", "", "write CSV here (empty: discard rows)")
	flag.Parse()

	start := time.Now()
	db, err := sql.Open("trino", *dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer db.Close()
	args := []any{}
	if *encoding != "" {
		args = append(args, sql.Named("encoding", *encoding),
			sql.Named("spooling_worker_count", strconv.Itoa(*workers)),
			sql.Named("max_out_of_order_segments", strconv.Itoa(*outOfOrder)))
	}
	rows, err := db.Query(*query, args...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	values := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range values {
		ptrs[i] = &values[i]
	}
	var w *csv.Writer
	var f *os.File
	if *out != "" {
		f, err = os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		w = csv.NewWriter(bufio.NewWriterSize(f, 1<<20))
	}
	record := make([]string, len(cols))
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if w != nil {
			for i, v := range values {
				record[i], _ = text(v)
			}
			if err := w.Write(record); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		n++
	}
	if err := rows.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if w != nil {
		w.Flush()
		if err := w.Error(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		f.Close()
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"rows": n, "seconds": time.Since(start).Seconds()})
}
