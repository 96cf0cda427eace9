package prepared

import (
	"container/list"
	"sync"

	"golang.org/x/sync/singleflight"
)

// Cache keeps responses built on demand (compare pages) within a byte
// budget, evicting the least recently used. Callers only ever ask for
// canonical keys of pages that exist, so random URLs cannot fill it with
// junk or flush what readers use. Concurrent misses for one key build the
// page once.
type Cache struct {
	budget int

	mu    sync.Mutex
	used  int
	lru   *list.List // of *cacheEntry, most recent at the front
	items map[string]*list.Element

	flight singleflight.Group
}

type cacheEntry struct {
	key  string
	resp *Response
	size int
}

func NewCache(budget int) *Cache {
	return &Cache{budget: budget, lru: list.New(), items: map[string]*list.Element{}}
}

// Get returns the cached response for key, building it with build on a
// miss. The response's compressed variants are made before it is stored, so
// its size is known and later hits do no compression; the identity body is
// dropped (rebuilt from gzip for the rare client that takes neither).
func (c *Cache) Get(key string, build func() (*Response, error)) (*Response, error) {
	c.mu.Lock()
	if e, ok := c.items[key]; ok {
		c.lru.MoveToFront(e)
		resp := e.Value.(*cacheEntry).resp
		c.mu.Unlock()
		return resp, nil
	}
	c.mu.Unlock()
	v, err, _ := c.flight.Do(key, func() (any, error) {
		resp, err := build()
		if err != nil {
			return nil, err
		}
		resp.Compact()
		c.put(key, resp)
		return resp, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Response), nil
}

func (c *Cache) put(key string, resp *Response) {
	size := resp.Size() + len(key)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[key]; ok || size > c.budget {
		return
	}
	c.items[key] = c.lru.PushFront(&cacheEntry{key: key, resp: resp, size: size})
	c.used += size
	for c.used > c.budget {
		e := c.lru.Back()
		old := e.Value.(*cacheEntry)
		c.lru.Remove(e)
		delete(c.items, old.key)
		c.used -= old.size
	}
}

// Stats reports the entries and bytes held.
func (c *Cache) Stats() (entries, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.used
}
