using Google.Protobuf;
using Mosix.Sandbox.Forwarding;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Migrator.Migration;

/// <summary>Forwarded calls and their results, to and from their wire messages (migration.proto).</summary>
public static class CallCodec
{
    public static Call ToWire(ForwardedCall call, int thread = 0)
    {
        var wire = new Call { Number = call.Number, Thread = (uint)thread };
        wire.Args.AddRange(call.Args);
        foreach (var buffer in call.Buffers)
        {
            wire.Buffers.Add(new Shim.Wire.Messages.CallBuffer
            {
                ArgIndex = (uint)buffer.ArgIndex,
                Direction = (uint)buffer.Direction,
                Data = UnsafeByteOperations.UnsafeWrap(buffer.Data),
                Capacity = (uint)buffer.Capacity,
            });
        }
        return wire;
    }

    /// <exception cref="InvalidDataException">The message breaks the shape of a call (a confused or hostile peer).</exception>
    public static ForwardedCall FromWire(Call wire)
    {
        if (wire.Args.Count != 6)
            throw new InvalidDataException($"a forwarded call has {wire.Args.Count} arguments, not 6");
        var buffers = new List<Sandbox.Forwarding.CallBuffer>(wire.Buffers.Count);
        foreach (var b in wire.Buffers)
        {
            if (b.ArgIndex > 5 || b.Direction is < 1 or > 3 || b.Capacity > CallMarshaller.MaxBuffer || b.Data.Length > CallMarshaller.MaxBuffer)
                throw new InvalidDataException($"a forwarded call's buffer is malformed (argument {b.ArgIndex}, direction {b.Direction}, {b.Capacity} bytes)");
            buffers.Add(new Sandbox.Forwarding.CallBuffer((int)b.ArgIndex, (BufferDirection)b.Direction, b.Data.ToByteArray(), (int)b.Capacity));
        }
        return new ForwardedCall(wire.Number, [.. wire.Args], buffers);
    }

    public static CallResult ToWire(ForwardedResult result, int interruptedBy, int thread = 0)
    {
        var wire = new CallResult { ReturnValue = result.Return, InterruptedBy = (uint)interruptedBy, Thread = (uint)thread };
        foreach (var (arg, bytes) in result.Outputs)
            wire.Outputs[(uint)arg] = UnsafeByteOperations.UnsafeWrap(bytes);
        return wire;
    }

    public static ForwardedResult FromWire(CallResult wire) =>
        new(wire.ReturnValue, wire.Outputs.ToDictionary(o => (int)o.Key, o => o.Value.ToByteArray()));
}
