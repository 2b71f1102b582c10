// Kademlia's k: how many of the closest nodes a PUT stores a record on (mailboxes included),
// and the size of a routing-table bucket. kad-dht's default is 20; a relay may set another
// (`--dht-replication`) and hands it to its tabs in /murmur-config.json. Kept apart from
// dht-config.ts so the first-paint bundle and the relay's option table read it cheaply.

export const DHT_REPLICATION_DEFAULT = 20
export const DHT_REPLICATION_MIN = 5
export const DHT_REPLICATION_MAX = 64
