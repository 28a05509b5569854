namespace Lockstep.Data.Ingest;

/// <summary>
/// The type lattice of inference: Null (only missing values so far) below Boolean and Int64;
/// Int64 below Double; everything below String. A column's type is the least one all its values fit.
/// </summary>
internal enum InferredType
{
    Null,
    Boolean,
    Int64,
    Double,
    String,
}
