using ConvNet.Mnist;
using ConvNet.Mnist.Commands;

// The console sample: each command is a few calls into ConvNet.Core; see README.md for what each one does.
return await CommandRunner.RunAsync(args, SampleCommands.All);
