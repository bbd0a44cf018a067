using System.Runtime.InteropServices;
using System.Text;

namespace Mosix.Sandbox.Interop;

/// <summary>NUL-terminated UTF-8 copies in native memory, freed together.</summary>
internal sealed unsafe class NativeStrings : IDisposable
{
    private nint[] _blocks = new nint[64];
    private int _count;

    public byte* Add(string s)
    {
        int length = Encoding.UTF8.GetByteCount(s);
        byte* p = (byte*)Alloc(length + 1);
        Encoding.UTF8.GetBytes(s, new Span<byte>(p, length));
        p[length] = 0;
        return p;
    }

    public byte** AddArray(IReadOnlyList<string> items)
    {
        byte** array = (byte**)Alloc((items.Count + 1) * sizeof(byte*));
        for (int i = 0; i < items.Count; i++)
            array[i] = Add(items[i]);
        array[items.Count] = null;
        return array;
    }

    private nint Alloc(int bytes)
    {
        nint p = (nint)NativeMemory.Alloc((nuint)bytes);
        if (_count == _blocks.Length)
            Array.Resize(ref _blocks, _count * 2);
        _blocks[_count++] = p;
        return p;
    }

    public void Dispose()
    {
        for (int i = 0; i < _count; i++)
            NativeMemory.Free((void*)_blocks[i]);
    }
}
