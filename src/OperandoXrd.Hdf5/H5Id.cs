using System.Runtime.InteropServices;
using OperandoXrd.Hdf5.Native;

namespace OperandoXrd.Hdf5;

/// <summary>What an <see cref="H5Id"/> holds, which decides the close call.</summary>
public enum H5IdKind
{
    File,
    Group,
    Dataset,
    Dataspace,
    Datatype,
    PropertyList,
    Attribute,
    Object,
}

/// <summary>
/// Owns one <c>hid_t</c> and closes it exactly once, also from the finalizer, so that ids never leak even when a
/// caller forgets a <c>using</c>. The close goes through <see cref="Hdf5Library.Sync"/> like every native call.
/// </summary>
public sealed class H5Id : SafeHandle
{
    public H5Id(long id, H5IdKind kind) : base(0, ownsHandle: true)
    {
        SetHandle((nint)id);
        Kind = kind;
    }

    public H5IdKind Kind { get; }

    /// <summary>The raw <c>hid_t</c>, for the binding. Valid while this object is alive and not disposed.</summary>
    public long Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return handle;
        }
    }

    public override bool IsInvalid => handle <= 0;

    protected override bool ReleaseHandle()
    {
        long id = handle;
        lock (Hdf5Library.Sync)
        {
            var status = Kind switch
            {
                H5IdKind.File => H5F.close(id),
                H5IdKind.Group => H5G.close(id),
                H5IdKind.Dataset => H5D.close(id),
                H5IdKind.Dataspace => H5S.close(id),
                H5IdKind.Datatype => H5T.close(id),
                H5IdKind.PropertyList => H5P.close(id),
                H5IdKind.Attribute => H5A.close(id),
                _ => H5O.close(id),
            };
            if (status < 0)
            {
                _ = H5E.clear(H5E.DEFAULT);
            }

            return status >= 0;
        }
    }
}
