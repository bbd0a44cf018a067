using Mosix.Agent.Discovery;
using NUnit.Framework;

namespace Mosix.Tests.Agent;

[TestFixture]
public sealed class GossipWindowTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    internal static LoadVector Vector(string node, ulong sequence = 1, ulong incarnation = 7) =>
        new(node, $"{node}:7471", 1.0, 2, 0.5, 1 << 30, 2L << 30, 0, NodeConditions.None, incarnation, sequence);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Test]
    public void Never_holds_more_than_its_capacity_and_keeps_the_freshest()
    {
        var window = new GossipWindow(3, Timeout);
        for (int i = 0; i < 10; i++)
            window.Offer(Vector($"n{i}"), S(i), S(10));
        Assert.That(window.Count, Is.EqualTo(3));
        Assert.That(window.Entries.Select(e => e.Vector.Node), Is.EquivalentTo(new[] { "n7", "n8", "n9" }));
    }

    [Test]
    public void A_full_window_refuses_news_older_than_all_it_holds()
    {
        var window = new GossipWindow(2, Timeout);
        window.Offer(Vector("a"), S(5), S(6));
        window.Offer(Vector("b"), S(6), S(6));
        Assert.That(window.Offer(Vector("c"), S(4), S(6)), Is.False);
        Assert.That(window.Offer(Vector("d"), S(5.5), S(6)), Is.True, "fresher than the oldest: replaces it");
        Assert.That(window.Entries.Select(e => e.Vector.Node), Is.EquivalentTo(new[] { "b", "d" }));
    }

    [Test]
    public void Within_one_incarnation_the_sequence_decides_not_the_clock()
    {
        var window = new GossipWindow(8, Timeout);
        window.Offer(Vector("a", sequence: 5), S(1), S(2));
        Assert.That(window.Offer(Vector("a", sequence: 4), S(1.9), S(2)), Is.False, "an older measurement, though it claims a later time");
        Assert.That(window.Offer(Vector("a", sequence: 6), S(0.5), S(2)), Is.True);
        Assert.That(window.Find("a")!.Vector.Sequence, Is.EqualTo(6UL));
    }

    [Test]
    public void A_restarted_node_replaces_its_old_incarnation_by_time()
    {
        var window = new GossipWindow(8, Timeout);
        window.Offer(Vector("a", sequence: 900, incarnation: 1), S(1), S(2));
        Assert.That(window.Offer(Vector("a", sequence: 1, incarnation: 2), S(2), S(2)), Is.True);
        Assert.That(window.Find("a")!.Vector.Incarnation, Is.EqualTo(2UL));
    }

    [Test]
    public void Entries_older_than_the_timeout_expire_and_are_not_taken_back()
    {
        var window = new GossipWindow(8, Timeout);
        window.Offer(Vector("old"), S(0), S(0));
        window.Offer(Vector("new"), S(5), S(5));
        Assert.That(window.Expire(S(10.5)), Is.EqualTo(new[] { "old" }));
        Assert.That(window.Offer(Vector("old", sequence: 2), S(0.4), S(10.5)), Is.False, "a relayed copy that is too old");
        Assert.That(window.Entries.Select(e => e.Vector.Node), Is.EqualTo(new[] { "new" }));
    }

    [Test]
    public void A_node_that_said_goodbye_is_not_brought_back_by_an_old_copy()
    {
        var window = new GossipWindow(8, Timeout);
        window.Offer(Vector("a", sequence: 3), S(1), S(1));
        Assert.That(window.Forget("a", S(2)), Is.True);
        Assert.That(window.Offer(Vector("a", sequence: 4), S(1.5), S(2)), Is.False, "same incarnation: it left");
        Assert.That(window.Offer(Vector("a", sequence: 1, incarnation: 8), S(3), S(3)), Is.True, "a new start of it is welcome");
        window.Expire(S(13));
        Assert.That(window.Count, Is.EqualTo(1));
    }

    [Test]
    public void Freshest_lists_the_newest_first()
    {
        var window = new GossipWindow(8, Timeout);
        window.Offer(Vector("a"), S(1), S(4));
        window.Offer(Vector("b"), S(3), S(4));
        window.Offer(Vector("c"), S(2), S(4));
        Assert.That(window.Freshest(2).Select(e => e.Vector.Node), Is.EqualTo(new[] { "b", "c" }));
    }
}
