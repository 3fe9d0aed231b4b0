//go:build unix && !linux

package store

func adviseHugePages([]byte) {}
