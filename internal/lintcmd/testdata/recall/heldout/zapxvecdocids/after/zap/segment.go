package zap

import "errors"

// Segment is an opened segment file with vector sections per field.
type Segment struct {
	fieldsMem map[uint16][]byte
	vecCache  *vectorIndexCache
}

// Open returns a segment over the vector sections of its fields.
func Open(fieldsMem map[uint16][]byte) *Segment {
	return &Segment{fieldsMem: fieldsMem, vecCache: newVectorIndexCache()}
}

// VectorHit is a document a vector search matched.
type VectorHit struct {
	DocNum uint32
	VecID  int64
}

// SearchVectors returns the documents of the first k vectors of the
// field's index that are not in except.
func (s *Segment) SearchVectors(fieldID uint16, k int, except Bitmap) ([]VectorHit, error) {
	mem, ok := s.fieldsMem[fieldID]
	if !ok {
		return nil, errors.New("field has no vector section")
	}
	_, vecDocIDMap, _, err := s.vecCache.loadOrCreate(fieldID, mem, except)
	if err != nil {
		return nil, err
	}
	var hits []VectorHit
	for vecID, docNum := range vecDocIDMap {
		if len(hits) == k {
			break
		}
		if except != nil && except.Contains(docNum) {
			continue
		}
		hits = append(hits, VectorHit{DocNum: docNum, VecID: vecID})
	}
	return hits, nil
}

// Close releases the segment's cached indexes.
func (s *Segment) Close() { s.vecCache.Clear() }
