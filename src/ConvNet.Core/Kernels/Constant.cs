namespace ConvNet.Core.Kernels;

/// <summary>
/// A number known to the JIT when it specializes a generic method for the type: a kernel taking its register count as
/// one is compiled once per count, its tests on the count folded away.
/// </summary>
internal interface IConstant
{
    static abstract int Value { get; }
}

/// <summary>The <see cref="IConstant"/> types one to eight.</summary>
internal static class Constant
{
    internal readonly struct One : IConstant
    {
        public static int Value => 1;
    }

    internal readonly struct Two : IConstant
    {
        public static int Value => 2;
    }

    internal readonly struct Three : IConstant
    {
        public static int Value => 3;
    }

    internal readonly struct Four : IConstant
    {
        public static int Value => 4;
    }

    internal readonly struct Five : IConstant
    {
        public static int Value => 5;
    }

    internal readonly struct Six : IConstant
    {
        public static int Value => 6;
    }

    internal readonly struct Seven : IConstant
    {
        public static int Value => 7;
    }

    internal readonly struct Eight : IConstant
    {
        public static int Value => 8;
    }
}
