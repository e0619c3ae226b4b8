-- The crawler's tables beside Baton's, in the same SQLite file. Money is TEXT (exact decimal strings); times are
-- Unix milliseconds.
CREATE TABLE crawler_watchlists (
    id TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    marketplaces TEXT NOT NULL,
    min_price TEXT NULL,
    max_price TEXT NULL,
    conditions TEXT NOT NULL,
    buying_options TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE crawler_listings (
    marketplace TEXT NOT NULL,
    item_id TEXT NOT NULL,
    title TEXT NOT NULL,
    price TEXT NOT NULL,
    currency TEXT NOT NULL,
    shipping TEXT NULL,
    shipping_currency TEXT NULL,
    condition TEXT NULL,
    condition_id TEXT NULL,
    seller TEXT NULL,
    item_url TEXT NULL,
    image_url TEXT NULL,
    buying_options TEXT NOT NULL,
    country TEXT NULL,
    listed_at INTEGER NULL,
    ends_at INTEGER NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    ended_at INTEGER NULL,
    ended_by TEXT NULL,
    first_capture TEXT NOT NULL,
    last_capture TEXT NOT NULL,
    description TEXT NULL,
    aspects TEXT NULL,
    brand TEXT NULL,
    mpn TEXT NULL,
    gtin TEXT NULL,
    category_path TEXT NULL,
    availability TEXT NULL,
    available_quantity INTEGER NULL,
    enriched_at INTEGER NULL,
    PRIMARY KEY (marketplace, item_id)
);

CREATE TABLE crawler_price_history (
    marketplace TEXT NOT NULL,
    item_id TEXT NOT NULL,
    capture_id TEXT NOT NULL,
    observed_at INTEGER NOT NULL,
    price TEXT NOT NULL,
    shipping TEXT NULL,
    currency TEXT NOT NULL,
    PRIMARY KEY (marketplace, item_id, capture_id)
);

CREATE TABLE crawler_listing_watchlists (
    watchlist_id TEXT NOT NULL,
    marketplace TEXT NOT NULL,
    item_id TEXT NOT NULL,
    last_capture TEXT NOT NULL,
    PRIMARY KEY (watchlist_id, marketplace, item_id)
);

CREATE TABLE crawler_captures (
    id TEXT PRIMARY KEY,
    watchlist_id TEXT NOT NULL,
    marketplace TEXT NOT NULL,
    query TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NULL,
    pages INTEGER NOT NULL,
    listings INTEGER NOT NULL,
    new_count INTEGER NOT NULL,
    changed_count INTEGER NOT NULL,
    ended_count INTEGER NOT NULL
);

CREATE INDEX crawler_captures_watchlist ON crawler_captures (watchlist_id, started_at);

CREATE TABLE crawler_analyses (
    id TEXT PRIMARY KEY,
    watchlist_id TEXT NOT NULL,
    marketplace TEXT NOT NULL,
    condition TEXT NOT NULL,
    computed_at INTEGER NOT NULL,
    base_currency TEXT NOT NULL,
    rate_date TEXT NOT NULL,
    stats TEXT NOT NULL
);

CREATE INDEX crawler_analyses_watchlist ON crawler_analyses (watchlist_id, computed_at);

CREATE TABLE crawler_analysis_listings (
    analysis_id TEXT NOT NULL,
    marketplace TEXT NOT NULL,
    item_id TEXT NOT NULL,
    title TEXT NOT NULL,
    landed TEXT NOT NULL,
    currency TEXT NOT NULL,
    landed_base TEXT NOT NULL,
    percentile REAL NOT NULL,
    ratio_to_median REAL NOT NULL,
    is_deal INTEGER NOT NULL,
    is_outlier INTEGER NOT NULL,
    PRIMARY KEY (analysis_id, marketplace, item_id)
);
