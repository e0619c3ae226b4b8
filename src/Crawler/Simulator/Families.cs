namespace Crawler.Simulator;

/// <summary>A product family of the simulated catalogue: title words, a log-normal price (in USD) and a share.</summary>
internal sealed record ProductFamily(string Category, string Brand, string[] Variants, double MedianUsd, double Sigma, int Count);

/// <summary>The simulated catalogue's families: enough variety for realistic per-query price distributions.</summary>
internal static class Families
{
    public static IReadOnlyList<ProductFamily> All { get; } =
    [
        new("Toys > Building Toys > LEGO", "LEGO Star Wars", ["Millennium Falcon 75192", "X-Wing 75355", "AT-AT 75313", "Death Star 75159", "Razor Crest 75331", "Mandalorian Helmet 75328"], 70, 0.65, 3000),
        new("Toys > Building Toys > LEGO", "LEGO Technic", ["Bugatti Chiron 42083", "Liebherr Excavator 42100", "Ferrari Daytona 42143", "Land Rover Defender 42110"], 95, 0.55, 2000),
        new("Video Games > Consoles", "Nintendo Switch", ["OLED console", "console neon", "Lite console", "console bundle"], 210, 0.35, 2500),
        new("Phones > Smartphones", "Apple iPhone 13", ["128GB unlocked", "256GB unlocked", "Pro 128GB", "mini 128GB", "Pro Max 256GB"], 380, 0.3, 3500),
        new("Cameras > Digital Cameras", "Canon EOS camera", ["R6 body", "5D Mark IV body", "90D with lens", "R50 kit"], 520, 0.55, 1500),
        new("Collectibles > Trading Cards", "Pokemon cards", ["Charizard holo", "booster pack", "Pikachu promo", "lot of 100", "Base Set"], 18, 1.0, 12000),
        new("Jewellery > Watches", "Rolex watch", ["Submariner", "Datejust 36", "GMT-Master II", "Oyster Perpetual"], 7500, 0.4, 400),
    ];
}
