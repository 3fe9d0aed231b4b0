package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"

	"ripple/internal/sentiment"
)

// maxLine is the longest input line ripple sentiment accepts.
const maxLine = 1 << 20

// cmdSentiment labels one text per line of stdin, writing label<TAB>score
// per line in input order, and the text after another tab with --with-text.
func cmdSentiment(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet(s, "sentiment", "sentiment [--with-text] < texts.txt\n\nReads one text per line and writes label<TAB>score per line\n(label: positive, neutral, negative or unscored; score in [-1, 1]).")
	withText := fs.Bool("with-text", false, "write label<TAB>score<TAB>text, the input line beside its label")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	a, err := sentiment.New()
	if err != nil {
		return err
	}
	in := bufio.NewScanner(s.in)
	in.Buffer(make([]byte, 64*1024), maxLine)
	out := bufio.NewWriter(s.out)
	var buf []byte
	for n := 1; in.Scan(); n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		text := in.Bytes()
		r := a.Analyze(string(text))
		buf = append(buf[:0], r.Label...)
		buf = append(buf, '\t')
		buf = strconv.AppendFloat(buf, r.Score, 'f', 4, 64)
		if *withText {
			buf = append(buf, '\t')
			buf = append(buf, text...)
		}
		buf = append(buf, '\n')
		if _, err := out.Write(buf); err != nil {
			return fmt.Errorf("sentiment: write: %w", err)
		}
	}
	if err := in.Err(); err != nil {
		return fmt.Errorf("sentiment: read stdin: %w (lines are limited to %d bytes)", err, maxLine)
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("sentiment: write: %w", err)
	}
	return nil
}
