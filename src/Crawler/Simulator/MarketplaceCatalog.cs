using System.Globalization;
using Crawler.Marketplaces;

namespace Crawler.Simulator;

/// <summary>
/// The deterministic catalogue of one simulated marketplace. Generation 0 holds the initial listings; each later
/// generation adds about 2 % new listings, ends some (about half of all listings end after 1–40 generations) and
/// changes the price of about 8 % of the live ones.
/// </summary>
internal sealed class MarketplaceCatalog
{
    private static readonly (string Name, string Id, double Share, double PriceFactor)[] Conditions =
    [
        ("New", "1000", 0.40, 1.0),
        ("Used", "3000", 0.45, 0.65),
        ("Certified - Refurbished", "2000", 0.06, 0.8),
        ("Seller refurbished", "2500", 0.04, 0.75),
        ("For parts or not working", "7000", 0.05, 0.3),
    ];

    private static readonly string[] SellerWords = ["retro", "bargain", "north", "city", "prime", "vintage", "smart", "deal", "collector", "planet"];
    private static readonly string[] SellerNouns = ["trader", "store", "outlet", "finds", "shop", "hub", "depot", "market"];

    private readonly List<SimListing> _listings = [];
    private readonly long _seed;
    private readonly int _marketplaceIndex;
    private readonly int _initialCount;
    private readonly int _newPerGeneration;
    private readonly double _totalWeight;
    private readonly DateTimeOffset _epoch;
    private readonly TimeSpan _interval;
    private readonly decimal _rate;
    private readonly string _country;
    private int _snapshotGeneration = -1;
    private SimOffer[] _snapshot = [];

    public MarketplaceCatalog(string marketplace, int marketplaceIndex, int seed, double scale, DateTimeOffset epoch, TimeSpan interval)
    {
        Marketplace = marketplace;
        Currency = KnownMarketplaces.CurrencyOf(marketplace);
        _marketplaceIndex = marketplaceIndex;
        _seed = seed ^ Hash.OfString(marketplace);
        _epoch = epoch;
        _interval = interval;
        _rate = Currency switch { "GBP" => 0.79m, "EUR" => 0.92m, "AUD" => 1.52m, "CAD" => 1.36m, _ => 1m };
        _country = marketplace.Length > 5 ? marketplace[5..] : "US";
        var size = marketplace switch { "EBAY_US" => 1.0, "EBAY_GB" => 0.6, "EBAY_DE" => 0.5, _ => 0.4 };
        _totalWeight = Families.All.Sum(f => f.Count);
        _initialCount = Math.Max(10, (int)(_totalWeight * scale * size));
        _newPerGeneration = Math.Max(1, _initialCount / 50);
    }

    public string Marketplace { get; }

    public string Currency { get; }

    /// <summary>The offers live in <paramref name="generation"/>, in index order (cached for the latest generation asked).</summary>
    public SimOffer[] Snapshot(int generation)
    {
        lock (_listings)
        {
            if (generation == _snapshotGeneration)
            {
                return _snapshot;
            }

            var count = _initialCount + (generation * _newPerGeneration);
            while (_listings.Count < count)
            {
                _listings.Add(Create(_listings.Count));
            }

            var offers = new List<SimOffer>(count);
            for (var i = 0; i < count; i++)
            {
                var listing = _listings[i];
                if (listing.IsLiveAt(generation))
                {
                    offers.Add(new SimOffer(listing, PriceAt(listing, generation)));
                }
            }

            _snapshotGeneration = generation;
            _snapshot = [.. offers];
            return _snapshot;
        }
    }

    /// <summary>The listing with <paramref name="legacyId"/>, if this catalogue ever listed it by <paramref name="generation"/>.</summary>
    public SimListing? Find(long legacyId, int generation)
    {
        var index = legacyId - LegacyBase;
        if (index < 0 || index >= _initialCount + ((long)generation * _newPerGeneration))
        {
            return null;
        }

        Snapshot(generation);
        lock (_listings)
        {
            return _listings[(int)index];
        }
    }

    public decimal PriceAt(SimListing listing, int generation)
    {
        var price = listing.FirstPrice;
        for (var g = listing.BornGeneration + 1; g <= generation; g++)
        {
            if (Hash.Unit(_seed, listing.Index, g, 11) < 0.08)
            {
                var factor = 0.85 + (0.3 * Hash.Unit(_seed, listing.Index, g, 12));
                price = Math.Max(0.99m, Math.Round(price * (decimal)factor, 2));
            }
        }

        return price;
    }

    private long LegacyBase => 110_000_000_000L + (_marketplaceIndex * 1_000_000_000L);

    private SimListing Create(int index)
    {
        double U(int salt) => Hash.Unit(_seed, index, salt);
        var family = PickFamily(U(1));
        var variant = family.Variants[(int)(U(2) * family.Variants.Length)];
        var condition = PickCondition(U(3));
        var usd = family.MedianUsd * Math.Exp(family.Sigma * Hash.Normal(U(4), U(5))) * condition.PriceFactor;
        var local = Math.Max(0.99m, Math.Round((decimal)usd * _rate, 2));
        if (U(6) < 0.5)
        {
            local = Math.Max(0.99m, Math.Floor(local) + 0.99m);
        }

        var shipping = U(7) < 0.55 ? 0m : Math.Round((decimal)(3 + (12 * U(8))) * _rate, 2);
        var born = index < _initialCount ? 0 : 1 + ((index - _initialCount) / _newPerGeneration);
        var created = born == 0
            ? _epoch - TimeSpan.FromDays(30 * U(9))
            : _epoch + (_interval * (born - 1)) + (_interval * U(9));
        int? end = U(10) < 0.5 ? born + 1 + (int)(U(13) * 40) : null;
        var legacy = (LegacyBase + index).ToString(CultureInfo.InvariantCulture);
        var optionRoll = U(14);
        string[] buying = optionRoll < 0.75 ? ["FIXED_PRICE"] : optionRoll < 0.85 ? ["FIXED_PRICE", "BEST_OFFER"] : ["AUCTION"];
        var title = $"{family.Brand} {variant} {(condition.Id == "1000" ? "Brand New" : condition.Name)}";
        var seller = $"{SellerWords[(int)(U(15) * SellerWords.Length)]}_{SellerNouns[(int)(U(16) * SellerNouns.Length)]}{(int)(U(17) * 500)}";
        return new SimListing
        {
            Index = index,
            ItemId = $"v1|{legacy}|0",
            LegacyId = legacy,
            Title = title,
            Words = Words(title),
            Family = family,
            FirstPrice = local,
            Currency = Currency,
            Shipping = shipping,
            Condition = condition.Name,
            ConditionId = condition.Id,
            Seller = seller,
            FeedbackPercentage = Math.Round(95m + (decimal)(5 * U(18)), 1),
            FeedbackScore = (int)(10 + (20_000 * U(19) * U(19))),
            BuyingOptions = buying,
            Country = _country,
            CreatedAt = created,
            BornGeneration = born,
            EndGeneration = end,
            Quantity = 1 + (int)(U(20) * U(20) * 20),
        };
    }

    /// <summary>Lower-case words of a text, as the search matches them.</summary>
    public static HashSet<string> Words(string text)
        => text.ToUpperInvariant().ToLowerInvariant()
            .Split(static c => !char.IsLetterOrDigit(c))
            .Where(w => w.Length > 0)
            .ToHashSet(StringComparer.Ordinal);

    private ProductFamily PickFamily(double u)
    {
        var target = u * _totalWeight;
        foreach (var family in Families.All)
        {
            target -= family.Count;
            if (target < 0)
            {
                return family;
            }
        }

        return Families.All[^1];
    }

    private static (string Name, string Id, double Share, double PriceFactor) PickCondition(double u)
    {
        foreach (var condition in Conditions)
        {
            u -= condition.Share;
            if (u < 0)
            {
                return condition;
            }
        }

        return Conditions[^1];
    }
}

internal static class SplitExtensions
{
    public static string[] Split(this string text, Func<char, bool> separator)
    {
        var words = new List<string>();
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || separator(text[i]))
            {
                if (i > start)
                {
                    words.Add(text[start..i]);
                }

                start = i + 1;
            }
        }

        return [.. words];
    }
}
