// This file makes testdata/corpus a module of its own so that the root
// module's zip, which every user of the runtime libraries downloads, leaves
// out the corpus's executables (about 14 MB). Nothing imports it: the
// tests read its files from the repository.
module github.com/mapscope/mapscope/testdata/corpus

go 1.21
