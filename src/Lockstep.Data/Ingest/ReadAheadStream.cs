using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Lockstep.Data.Ingest;

/// <summary>
/// Reads a slow-to-produce stream (gzip decompression) ahead on a task of its own, a few buffers
/// at most, so decompressing overlaps with parsing instead of alternating with it on the parser's
/// thread. Reads return the inner stream's bytes in order; an exception the inner stream throws
/// (a truncated or corrupt gzip member) is rethrown, unchanged, by the read that reaches it.
/// </summary>
internal sealed class ReadAheadStream : Stream
{
    private const int BufferSize = 1 << 18;

    private readonly Stream _inner;
    private readonly Channel<(byte[] Buffer, int Length)> _filled = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(3) { SingleReader = true, SingleWriter = true });
    private readonly Channel<byte[]> _free = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private ExceptionDispatchInfo? _failure;
    private byte[]? _current;
    private int _offset;
    private int _length;
    private bool _ended;

    public ReadAheadStream(Stream inner)
    {
        _inner = inner;
        for (var i = 0; i < 5; i++)
        {
            _free.Writer.TryWrite(new byte[BufferSize]);
        }
        _producer = Task.Run(ProduceAsync);
    }

    private async Task ProduceAsync()
    {
        try
        {
            while (true)
            {
                var buffer = await _free.Reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                var n = await _inner.ReadAtLeastAsync(buffer, BufferSize, throwOnEndOfStream: false, _stop.Token).ConfigureAwait(false);
                await _filled.Writer.WriteAsync((buffer, n), _stop.Token).ConfigureAwait(false);
                if (n < BufferSize)
                {
                    break;
                }
            }
            _filled.Writer.TryComplete();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            _filled.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
            _filled.Writer.TryComplete();
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (!EnsureData(CancellationToken.None).AsTask().GetAwaiter().GetResult())
        {
            return 0;
        }
        return Take(buffer);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!await EnsureData(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }
        return Take(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Take(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _length - _offset);
        _current.AsSpan(_offset, n).CopyTo(destination);
        _offset += n;
        return n;
    }

    private async ValueTask<bool> EnsureData(CancellationToken cancellationToken)
    {
        while (_current is null || _offset == _length)
        {
            if (_current is not null)
            {
                _free.Writer.TryWrite(_current);
                _current = null;
            }
            if (_ended)
            {
                return false;
            }
            if (!await _filled.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _ended = true;
                _failure?.Throw();
                return false;
            }
            if (_filled.Reader.TryRead(out var next))
            {
                (_current, _offset, _length) = (next.Buffer, 0, next.Length);
            }
        }
        return true;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopProducer();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        StopProducer();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void StopProducer()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        _stop.Cancel();
        try
        {
            _producer.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
        _inner.Dispose();
        _stop.Dispose();
    }
}
