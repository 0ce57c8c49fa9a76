"""Makes the PyTorch-exported ONNX fixture that ConvNet's import tests read (CI runs no PyTorch: the outputs are
committed beside this script).

A small MNIST CNN that uses the operators ConvNet imports, trained for one epoch with Adam, exported by
torch.onnx.export (opset 17, dynamic batch axis) with a softmax on top:

  conv1 Conv2d(1, 8, 5, padding=2) - BatchNorm2d - ReLU - MaxPool2d(2)          [N, 8, 14, 14]
  conv2 Conv2d(8, 16, 3, padding=1, bias=False) - LeakyReLU(0.1) - AvgPool2d(2)  [N, 16, 7, 7]
  flatten - fc1 Linear(784, 64) - BatchNorm1d - Tanh - Dropout(0.25) - fc2 Linear(64, 10) - Softmax

Writes into the script's folder:
  torch_small_cnn.onnx             the model (PyTorch 1.13 folds the BatchNorm2d into conv1, keeps the BatchNorm1d, leaves
                                   the Dropout out and writes avg_pool2d as a Pad by zero and an AveragePool)
  torch_small_cnn.logits100.f32    PyTorch's scores before the softmax for test images 0..99, little-endian float32 [100, 10]
  torch_small_cnn.classes10k.u8    PyTorch's predicted class for each of the 10,000 test images, one byte each

usage (Debian packages python3-torch python3-numpy libopenblas0-pthread; MNIST_DIR holds the four uncompressed IDX
files, for example the cache folder of `dotnet run --project samples/ConvNet.Mnist -c Release -- download`):
  OPENBLAS_NUM_THREADS=1 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
    /usr/bin/python3 tests/ConvNet.Onnx.Tests/Fixtures/make_torch_fixture.py MNIST_DIR
"""
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def read_idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack('>HBB', data[:4])
    assert zero == 0 and dtype_code == 0x08, f'{path}: expected an unsigned-byte IDX file'
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_mnist(folder):
    """Images scaled to [0, 1] as float32 [N, 1, 28, 28] (ConvNet's MnistDataset does the same), labels int64."""
    def images(name):
        return torch.from_numpy((read_idx(os.path.join(folder, name)).astype(np.float32) / np.float32(255)).reshape(-1, 1, 28, 28))

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name)).astype(np.int64))

    return (images('train-images-idx3-ubyte'), labels('train-labels-idx1-ubyte'),
            images('t10k-images-idx3-ubyte'), labels('t10k-labels-idx1-ubyte'))


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5, padding=2)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1, bias=False)
        self.fc1 = nn.Linear(16 * 7 * 7, 64)
        self.bn2 = nn.BatchNorm1d(64)
        self.drop = nn.Dropout(0.25)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.avg_pool2d(F.leaky_relu(self.conv2(x), 0.1), 2)
        x = torch.flatten(x, 1)
        x = self.drop(torch.tanh(self.bn2(self.fc1(x))))
        return self.fc2(x)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    torch.manual_seed(0)
    torch.set_num_threads(2)
    x_train, t_train, x_test, t_test = load_mnist(sys.argv[1])
    net = SmallCnn()
    optimizer = torch.optim.Adam(net.parameters(), lr=2e-3)
    net.train()
    order = torch.randperm(x_train.shape[0])
    for start in range(0, x_train.shape[0], 100):
        batch = order[start:start + 100]
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(net(x_train[batch]), t_train[batch]).backward()
        optimizer.step()

    net.eval()
    with torch.inference_mode():
        logits = torch.cat([net(x_test[i:i + 500]) for i in range(0, x_test.shape[0], 500)])
    classes = logits.argmax(1)
    print(f'test accuracy after one epoch: {(classes == t_test).float().mean().item() * 100:.2f} %')

    path = os.path.join(HERE, 'torch_small_cnn.onnx')
    torch.onnx.export(nn.Sequential(net, nn.Softmax(dim=1)), torch.zeros(1, 1, 28, 28), path, opset_version=17,
                      input_names=['image'], output_names=['probabilities'],
                      dynamic_axes={'image': {0: 'batch'}, 'probabilities': {0: 'batch'}})
    logits[:100].contiguous().numpy().astype('<f4').tofile(os.path.join(HERE, 'torch_small_cnn.logits100.f32'))
    classes.numpy().astype(np.uint8).tofile(os.path.join(HERE, 'torch_small_cnn.classes10k.u8'))

    try:
        import onnx
        model = onnx.load(path)
        onnx.checker.check_model(model)
        print('onnx', onnx.__version__, 'checker OK; opset', [o.version for o in model.opset_import],
              'nodes', [node.op_type for node in model.graph.node])
    except ImportError:
        print('(the onnx package is not installed: graph not checked)')
    print(f'wrote {path} ({os.path.getsize(path)} bytes) and the reference scores and classes, torch {torch.__version__}')


if __name__ == '__main__':
    main()
