//go:build !goexperiment.swissmap && !go1.26

package mapwatch

func swissMap() bool { return false }
