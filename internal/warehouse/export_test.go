package warehouse

// MigrateTo is migrateTo, for the upgrade tests of package warehouse_test.
var MigrateTo = migrateTo

// SetRefreshSlice sets the most items one finalizing statement reads, and
// returns a function that restores it.
func SetRefreshSlice(n uint64) (restore func()) {
	old := refreshSlice
	refreshSlice = n
	return func() { refreshSlice = old }
}

// SetSliceSample sets about how many dirty items the bounds of a refresh's
// slices are taken from, and returns a function that restores it.
func SetSliceSample(n uint64) (restore func()) {
	old := sliceSample
	sliceSample = n
	return func() { sliceSample = old }
}
