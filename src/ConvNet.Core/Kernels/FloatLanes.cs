using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ConvNet.Core.Kernels;

/// <summary>
/// One SIMD register of floats, as the GEMM micro-kernel sees it. Implemented by zero-size structs so that
/// generic kernels are specialized per instruction set by the JIT and every call inlines to one instruction.
/// </summary>
/// <typeparam name="TVector">The register type.</typeparam>
internal unsafe interface IFloatLanes<TVector>
    where TVector : struct
{
    /// <summary>Floats per register.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this machine runs the type's instructions natively.</summary>
    static abstract bool IsSupported { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Load(float* source);

    static abstract TVector Broadcast(float value);

    /// <summary>left · right + addend with one rounding.</summary>
    static abstract TVector MultiplyAdd(TVector left, TVector right, TVector addend);

    static abstract TVector Add(TVector left, TVector right);

    /// <summary>The larger of each pair, as <see cref="Math.Max(float, float)"/> and TensorPrimitives.Max: NaN wins, +0 beats −0 (a ReLU).</summary>
    static abstract TVector Max(TVector left, TVector right);

    /// <summary><paramref name="candidate"/> where it is greater than <paramref name="best"/>, else <paramref name="best"/> (a max pooling's scan: ties and NaN candidates keep the first).</summary>
    static abstract TVector KeepGreater(TVector best, TVector candidate);

    /// <summary>
    /// <paramref name="candidateIndex"/> in the lanes where <see cref="KeepGreater"/> takes <paramref name="candidate"/>, else
    /// <paramref name="index"/>: the scan's argmax, as int bits in float lanes (only moved, never computed with).
    /// </summary>
    static abstract TVector KeepIndexOfGreater(TVector best, TVector candidate, TVector index, TVector candidateIndex);

    /// <summary>The sum of all lanes.</summary>
    static abstract float Sum(TVector value);

    static abstract void Store(float* destination, TVector value);

    /// <summary>Loads the first <paramref name="count"/> lanes (the rest are zero) without touching memory beyond them.</summary>
    static abstract TVector LoadFirst(float* source, int count);

    /// <summary>Stores the first <paramref name="count"/> lanes without touching memory beyond them.</summary>
    static abstract void StoreFirst(float* destination, TVector value, int count);
}

/// <summary>AVX-512: 16 floats per register, masked partial loads and stores.</summary>
internal readonly unsafe struct Lanes512 : IFloatLanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    public static bool IsSupported => Avx512F.IsSupported;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) =>
        Avx512F.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> left, Vector512<float> right) => Vector512.Max(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> KeepGreater(Vector512<float> best, Vector512<float> candidate) => Avx512F.Max(candidate, best);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> KeepIndexOfGreater(Vector512<float> best, Vector512<float> candidate, Vector512<float> index, Vector512<float> candidateIndex) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(candidate, best), candidateIndex, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector512<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadFirst(float* source, int count) =>
        Avx512F.MaskLoad(source, FirstLanes(count), Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(float* destination, Vector512<float> value, int count) =>
        Avx512F.MaskStore(destination, FirstLanes(count), value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FirstLanes(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
}

/// <summary>AVX2 with FMA: 8 floats per register, masked partial loads and stores.</summary>
internal readonly unsafe struct Lanes256 : IFloatLanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Fma.MultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> left, Vector256<float> right) => Vector256.Max(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> KeepGreater(Vector256<float> best, Vector256<float> candidate) => Avx.Max(candidate, best);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> KeepIndexOfGreater(Vector256<float> best, Vector256<float> candidate, Vector256<float> index, Vector256<float> candidateIndex) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(candidate, best), candidateIndex, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector256<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadFirst(float* source, int count) => Avx.MaskLoad(source, FirstLanes(count));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreFirst(float* destination, Vector256<float> value, int count) =>
        Avx.MaskStore(destination, FirstLanes(count), value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> FirstLanes(int count) =>
        Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle();
}

/// <summary>Portable 4-float registers (SSE, AdvSimd, or software) for machines without AVX2.</summary>
internal readonly unsafe struct Lanes128 : IFloatLanes<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    public static bool IsSupported => true;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend) =>
        Vector128.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> left, Vector128<float> right) => Vector128.Max(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> KeepGreater(Vector128<float> best, Vector128<float> candidate) => Vector128.ConditionalSelect(Vector128.GreaterThan(candidate, best), candidate, best);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> KeepIndexOfGreater(Vector128<float> best, Vector128<float> candidate, Vector128<float> index, Vector128<float> candidateIndex) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(candidate, best), candidateIndex, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector128<float> value) => value.Store(destination);

    public static Vector128<float> LoadFirst(float* source, int count)
    {
        Vector128<float> value = Vector128<float>.Zero;
        for (int lane = 0; lane < count; lane++)
        {
            value = value.WithElement(lane, source[lane]);
        }

        return value;
    }

    public static void StoreFirst(float* destination, Vector128<float> value, int count)
    {
        for (int lane = 0; lane < count; lane++)
        {
            destination[lane] = value.GetElement(lane);
        }
    }
}

/// <summary>Stores shared by the kernels that write a register's worth of results at a time.</summary>
internal static unsafe class FloatLanes<TVector, TLanes>
    where TVector : struct
    where TLanes : struct, IFloatLanes<TVector>
{
    /// <summary>
    /// Stores the first <paramref name="count"/> lanes of <paramref name="value"/> at <paramref name="target"/>, or, when
    /// <paramref name="accumulate"/>, adds them onto what is there (value + target, as the GEMM's accumulating store adds).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreOrAdd(float* target, TVector value, int count, bool accumulate)
    {
        if (count == TLanes.Count)
        {
            TLanes.Store(target, accumulate ? TLanes.Add(value, TLanes.Load(target)) : value);
        }
        else
        {
            TLanes.StoreFirst(target, accumulate ? TLanes.Add(value, TLanes.LoadFirst(target, count)) : value, count);
        }
    }
}
