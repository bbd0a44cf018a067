using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Logging;
using Mosix.Shim.Wire;

namespace Mosix.Agent.Links;

/// <summary>
/// The sending side towards one endpoint: a short queue of frames and the link they go out on,
/// dialled on demand, re-dialled after a failure no sooner than a growing back-off allows.
/// </summary>
/// <remarks>
/// Gossip is lossy by design: a frame that finds the queue full pushes out the oldest, and frames
/// posted while the endpoint is unreachable are dropped, never piled up. A peer idle for
/// <see cref="IdleAfter"/> closes its link and ends; the pool makes a new one when needed.
/// </remarks>
internal sealed class Peer
{
    public static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<Frame> _queue = Channel.CreateBounded<Frame>(new BoundedChannelOptions(8) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly string _endpoint;
    private readonly Link.LocalIdentity _self;
    private readonly ILinkSink _sink;
    private readonly ILogger _logger;
    private Link? _link;
    private TimeSpan _backoff = FirstBackoff;
    private DateTime _retryAt = DateTime.MinValue;
    private int _failures;

    public Peer(string endpoint, Link.LocalIdentity self, ILinkSink sink, ILogger logger)
    {
        _endpoint = endpoint;
        _self = self;
        _sink = sink;
        _logger = logger;
    }

    public bool IsConnected => _link is not null;

    /// <summary>Queues a frame; false when it was dropped because the endpoint is in back-off or the peer ended.</summary>
    public bool Post(Frame frame) => DateTime.UtcNow >= _retryAt && _queue.Writer.TryWrite(frame);

    /// <summary>Sends what is posted until idle or <paramref name="stop"/>; then closes the link.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
                idle.CancelAfter(IdleAfter);
                Frame frame;
                try
                {
                    frame = await _queue.Reader.ReadAsync(idle.Token);
                }
                catch (OperationCanceledException)
                {
                    return; // idle, or the agent stops
                }
                await SendAsync(frame, stop);
            }
        }
        finally
        {
            _queue.Writer.TryComplete();
            await CloseAsync();
        }
    }

    /// <summary>Says goodbye on the link if there is one, or dials to say it.</summary>
    public async Task SayGoodbyeAsync(string reason, CancellationToken cancel)
    {
        try
        {
            _link ??= await DialAsync(cancel);
            await _link.SendGoodbyeAsync(_self.Node, reason, cancel);
        }
        catch (Exception e) when (e is LinkException or RefusedException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort: it will time us out instead.
        }
    }

    private async Task SendAsync(Frame frame, CancellationToken stop)
    {
        if (DateTime.UtcNow < _retryAt)
            return;
        try
        {
            _link ??= await DialAsync(stop);
            await _link.SendAsync(frame, stop);
            _failures = 0;
            _backoff = FirstBackoff;
        }
        catch (Exception e) when (e is LinkException or RefusedException or IOException or ObjectDisposedException)
        {
            await FailedAsync(e is RefusedException r ? $"refused: {r.Reason}" : e.Message, e is RefusedException);
        }
    }

    private async Task<Link> DialAsync(CancellationToken stop)
    {
        var (host, port) = Split(_endpoint);
        var link = await Link.DialAsync(host, port, _self, HandshakeTimeout, stop);
        Log.LinkUp(_logger, link.PeerNode, _endpoint);
        _ = WatchAsync(link, stop);
        return link;
    }

    /// <summary>Reads the link's other direction: a Goodbye, a late Refusal, or the close.</summary>
    private async Task WatchAsync(Link link, CancellationToken stop)
    {
        try
        {
            await link.ReceiveAsync(_sink, stop);
            Log.LinkClosed(_logger, "to", link.ToString(), "closed by the peer");
        }
        catch (Exception e) when (e is FrameException or RefusedException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            if (e is RefusedException r)
                Log.RefusedByPeer(_logger, _endpoint, r.Reason);
        }
        if (ReferenceEquals(_link, link))
        {
            _link = null;
            await link.DisposeAsync();
        }
    }

    private async Task FailedAsync(string reason, bool refused)
    {
        await CloseAsync();
        _retryAt = DateTime.UtcNow + _backoff;
        if (refused)
            Log.RefusedByPeer(_logger, _endpoint, reason);
        else if (_failures == 0)
            Log.DialFailed(_logger, _endpoint, reason, _backoff.TotalSeconds);
        else
            Log.DialFailedAgain(_logger, _endpoint, reason, _backoff.TotalSeconds);
        _failures++;
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, LongestBackoff.Ticks));
        while (_queue.Reader.TryRead(out _))
        {
            // Drop what waited: it is stale by the time the endpoint answers again.
        }
    }

    private async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _link, null) is { } link)
            await link.DisposeAsync();
    }

    private static (string Host, int Port) Split(string endpoint)
    {
        var parsed = Configuration.NetworkEndpoint.Parse(endpoint, out string? problem) ?? throw new LinkException(problem!);
        return (parsed.Host, parsed.Port);
    }
}
