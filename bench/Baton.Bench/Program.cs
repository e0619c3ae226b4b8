Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Baton.Bench -- core [--quick]");
return 2;
