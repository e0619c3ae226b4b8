namespace Baton;

/// <summary>What a singleton function does with an event whose key already has an active run.</summary>
public enum SingletonMode
{
    /// <summary>The new event is skipped (recorded with the active run's id) and the active run goes on.</summary>
    Skip = 0,

    /// <summary>The active run is cancelled (its lease revoked) and the new event starts a run.</summary>
    Cancel = 1,
}
