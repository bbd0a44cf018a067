namespace Mosix.Agent.Discovery;

/// <summary>
/// MOSIX-style randomised gossip, pure: no sockets, no timers, no threads. Each round
/// (<see cref="Round"/>) the node sends its own vector and the freshest ones it knows to
/// <see cref="GossipSettings.Fanout"/> nodes picked at random from its window; what arrives
/// (<see cref="Receive"/>) is merged into the window. The agent and the simulation drive the same code.
/// </summary>
/// <remarks>
/// Not thread-safe: the caller serialises Round, Receive and reads of the window.
/// A newcomer knows only its seeds; they are its targets while its window holds fewer nodes than
/// the fanout, and one target in every <see cref="GossipSettings.SeedEvery"/> rounds after that.
/// </remarks>
public sealed class Gossiper
{
    private readonly GossipSettings _settings;
    private readonly IClock _clock;
    private readonly IGossipTransport _transport;
    private readonly Random _random;
    private readonly string[] _seeds;
    private readonly string _self;
    private long _rounds;

    public Gossiper(string self, GossipSettings settings, IClock clock, IGossipTransport transport, Random random, IEnumerable<string> seeds)
    {
        _self = self;
        _settings = settings;
        _clock = clock;
        _transport = transport;
        _random = random;
        _seeds = seeds.Distinct(StringComparer.Ordinal).ToArray();
        Window = new GossipWindow(settings.WindowSize, settings.Timeout);
    }

    public GossipWindow Window { get; }

    /// <summary>This node's latest vector (null before the first round).</summary>
    public LoadVector? Self { get; private set; }

    /// <summary>One round: expire, then send <paramref name="self"/> (just measured) and the freshest known vectors.</summary>
    /// <returns>The nodes that timed out of the window in this round.</returns>
    public List<string> Round(LoadVector self)
    {
        TimeSpan now = _clock.Now;
        Self = self;
        var expired = Window.Expire(now);
        var message = Compose(self, now);
        foreach (string target in ChooseTargets(self.Endpoint))
            _transport.Send(target, message);
        _rounds++;
        return expired;
    }

    /// <summary>Merges what another node sent; returns how many vectors were news.</summary>
    public int Receive(GossipMessage message)
    {
        TimeSpan now = _clock.Now;
        int taken = 0;
        foreach (var (vector, age) in message.Vectors)
        {
            if (vector.Node != _self && age >= TimeSpan.Zero && Window.Offer(vector, now - age, now))
                taken++;
        }
        return taken;
    }

    /// <summary>A node said goodbye: drop it now rather than after the timeout.</summary>
    public bool Forget(string node) => Window.Forget(node, _clock.Now);

    private GossipMessage Compose(LoadVector self, TimeSpan now)
    {
        var vectors = new List<AgedVector>(_settings.VectorsPerMessage + 1) { new(self, TimeSpan.Zero) };
        foreach (var entry in Window.Freshest(_settings.VectorsPerMessage))
            vectors.Add(new AgedVector(entry.Vector, entry.AgeAt(now)));
        return new GossipMessage(vectors);
    }

    private List<string> ChooseTargets(string ownEndpoint)
    {
        var candidates = Window.Entries.Select(e => e.Vector.Endpoint)
            .Where(e => e.Length > 0 && e != ownEndpoint).Distinct(StringComparer.Ordinal).ToList();
        var seeds = _seeds.Where(s => s != ownEndpoint && !candidates.Contains(s)).ToList();
        var chosen = PickRandom(candidates, _settings.Fanout);
        if (chosen.Count < _settings.Fanout)
            chosen.AddRange(PickRandom(seeds, _settings.Fanout - chosen.Count));
        else if (seeds.Count > 0 && _settings.SeedEvery > 0 && _rounds % _settings.SeedEvery == 0)
            chosen[^1] = seeds[_random.Next(seeds.Count)];
        return chosen;
    }

    /// <summary>Up to <paramref name="count"/> distinct items, uniformly (a partial Fisher-Yates shuffle).</summary>
    private List<string> PickRandom(List<string> items, int count)
    {
        count = Math.Min(count, items.Count);
        for (int i = 0; i < count; i++)
        {
            int j = _random.Next(i, items.Count);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items.GetRange(0, count);
    }
}
