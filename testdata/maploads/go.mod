// The program whose CPU profiles and execution traces test mapscope cpu
// and mapscope trace (internal/heap/heaptest.RunMapLoads). A module of its
// own, so that the root module leaves it out.
module example.com/maploads

go 1.21
