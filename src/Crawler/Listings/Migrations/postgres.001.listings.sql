-- The crawler's tables beside Baton's, in the same PostgreSQL database. Money is NUMERIC; times are
-- Unix milliseconds.
CREATE TABLE crawler_watchlists (
    id TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    marketplaces TEXT NOT NULL,
    min_price NUMERIC NULL,
    max_price NUMERIC NULL,
    conditions TEXT NOT NULL,
    buying_options TEXT NOT NULL,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE crawler_listings (
    marketplace TEXT NOT NULL,
    item_id TEXT NOT NULL,
    title TEXT NOT NULL,
    price NUMERIC NOT NULL,
    currency TEXT NOT NULL,
    shipping NUMERIC NULL,
    shipping_currency TEXT NULL,
    condition TEXT NULL,
    condition_id TEXT NULL,
    seller TEXT NULL,
    item_url TEXT NULL,
    image_url TEXT NULL,
    buying_options TEXT NOT NULL,
    country TEXT NULL,
    listed_at BIGINT NULL,
    ends_at BIGINT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    ended_at BIGINT NULL,
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
    available_quantity BIGINT NULL,
    enriched_at BIGINT NULL,
    PRIMARY KEY (marketplace, item_id)
);

CREATE TABLE crawler_price_history (
    marketplace TEXT NOT NULL,
    item_id TEXT NOT NULL,
    capture_id TEXT NOT NULL,
    observed_at BIGINT NOT NULL,
    price NUMERIC NOT NULL,
    shipping NUMERIC NULL,
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
    started_at BIGINT NOT NULL,
    finished_at BIGINT NULL,
    pages BIGINT NOT NULL,
    listings BIGINT NOT NULL,
    new_count BIGINT NOT NULL,
    changed_count BIGINT NOT NULL,
    ended_count BIGINT NOT NULL
);

CREATE INDEX crawler_captures_watchlist ON crawler_captures (watchlist_id, started_at);

CREATE TABLE crawler_analyses (
    id TEXT PRIMARY KEY,
    watchlist_id TEXT NOT NULL,
    marketplace TEXT NOT NULL,
    condition TEXT NOT NULL,
    computed_at BIGINT NOT NULL,
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
    landed NUMERIC NOT NULL,
    currency TEXT NOT NULL,
    landed_base NUMERIC NOT NULL,
    percentile DOUBLE PRECISION NOT NULL,
    ratio_to_median DOUBLE PRECISION NOT NULL,
    is_deal BIGINT NOT NULL,
    is_outlier BIGINT NOT NULL,
    PRIMARY KEY (analysis_id, marketplace, item_id)
);
