#!/usr/bin/python3
"""Writes the PyTorch fixtures that sparkdet's UNet tests compare against.

Run with Debian's PyTorch (apt-get install -y python3-torch; /usr/bin/python3), from the repository
root:  /usr/bin/python3 scripts/make_unet_fixture.py

The network is bubbliiiing/unet-pytorch's Unet(num_classes, pretrained=False, backbone) copied below
from nets/unet.py, nets/vgg.py and nets/resnet.py (the pretrained downloads left out, and VGG's
avgpool and classifier and ResNet's avgpool and fc, which VGG16() and resnet50() delete). With
UNET_REFERENCE=<a checkout of bubbliiiing/unet-pytorch> the script first checks the copy against the
repository's own Unet for both backbones: state-dict names and shapes, and the outputs with the same
weights in eval and train mode.

The network has no width multiplier and its random weights would take 100 MB, so the weights come
from formula_weights.py, which the Java tests compute too. For each backbone B (vgg, resnet50) and
3 classes:
  unet_B_c3_positions.pth  the state dict's names and shapes, tensor p (in state-dict order) filled
                           with the number p (every tensor a stride-0 view of one small storage, so
                           the file stays a few kB): loading it by name puts p where the reference has
                           tensor p, and its names and shapes are the full-size reference's
  unet_B_c3_io.pt          {"input": [2,3,64,64] in [0, 1), "eval": the logits [2,3,64,64] in eval
                           mode, "train": the same in train mode (batch statistics), "weight_sums":
                           each tensor's sum of formula weights (float64, to tell a formula mismatch
                           from a network one)}, computed in float64 from the float32 formula weights
"""
import math
import os
import sys

import torch
import torch.nn as nn

import formula_weights
from fixture_common import OUT, assert_same_network

CLASSES = 3
SIZE = 64


# ---- nets/vgg.py -----------------------------------------------------------------------------
class VGG(nn.Module):
    def __init__(self, features, num_classes=1000):
        super(VGG, self).__init__()
        self.features = features
        self._initialize_weights()

    def forward(self, x):
        feat1 = self.features[  :4 ](x)
        feat2 = self.features[4 :9 ](feat1)
        feat3 = self.features[9 :16](feat2)
        feat4 = self.features[16:23](feat3)
        feat5 = self.features[23:-1](feat4)
        return [feat1, feat2, feat3, feat4, feat5]

    def _initialize_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)


def make_layers(cfg, batch_norm=False, in_channels = 3):
    layers = []
    for v in cfg:
        if v == 'M':
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    'D': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M']
}


def VGG16(pretrained, in_channels = 3, **kwargs):
    return VGG(make_layers(cfgs["D"], batch_norm = False, in_channels = in_channels), **kwargs)


# ---- nets/resnet.py (Bottleneck and ResNet; BasicBlock is not used by resnet50) ---------------
def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride,
                     padding=dilation, groups=groups, bias=False, dilation=dilation)


def conv1x1(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class Bottleneck(nn.Module):
    expansion = 4
    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1,
                 base_width=64, dilation=1, norm_layer=None):
        super(Bottleneck, self).__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        width = int(planes * (base_width / 64.)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)

        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x

        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu(out)

        out = self.conv2(out)
        out = self.bn2(out)
        out = self.relu(out)

        out = self.conv3(out)
        out = self.bn3(out)

        if self.downsample is not None:
            identity = self.downsample(x)

        out += identity
        out = self.relu(out)

        return out


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000):
        self.inplanes = 64
        super(ResNet, self).__init__()
        self.conv1  = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1    = nn.BatchNorm2d(64)
        self.relu   = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=0, ceil_mode=True) # change
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                m.weight.data.normal_(0, math.sqrt(2. / n))
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.data.fill_(1)
                m.bias.data.zero_()

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion,
                    kernel_size=1, stride=stride, bias=False),
            nn.BatchNorm2d(planes * block.expansion),
        )

        layers = []
        layers.append(block(self.inplanes, planes, stride, downsample))
        self.inplanes = planes * block.expansion
        for i in range(1, blocks):
            layers.append(block(self.inplanes, planes))

        return nn.Sequential(*layers)

    def forward(self, x):
        x       = self.conv1(x)
        x       = self.bn1(x)
        feat1   = self.relu(x)

        x       = self.maxpool(feat1)
        feat2   = self.layer1(x)

        feat3   = self.layer2(feat2)
        feat4   = self.layer3(feat3)
        feat5   = self.layer4(feat4)
        return [feat1, feat2, feat3, feat4, feat5]


def resnet50(pretrained=False, **kwargs):
    return ResNet(Bottleneck, [3, 4, 6, 3], **kwargs)


# ---- nets/unet.py ------------------------------------------------------------------------------
class unetUp(nn.Module):
    def __init__(self, in_size, out_size):
        super(unetUp, self).__init__()
        self.conv1  = nn.Conv2d(in_size, out_size, kernel_size = 3, padding = 1)
        self.conv2  = nn.Conv2d(out_size, out_size, kernel_size = 3, padding = 1)
        self.up     = nn.UpsamplingBilinear2d(scale_factor = 2)
        self.relu   = nn.ReLU(inplace = True)

    def forward(self, inputs1, inputs2):
        outputs = torch.cat([inputs1, self.up(inputs2)], 1)
        outputs = self.conv1(outputs)
        outputs = self.relu(outputs)
        outputs = self.conv2(outputs)
        outputs = self.relu(outputs)
        return outputs


class Unet(nn.Module):
    def __init__(self, num_classes = 21, pretrained = False, backbone = 'vgg'):
        super(Unet, self).__init__()
        if backbone == 'vgg':
            self.vgg    = VGG16(pretrained = pretrained)
            in_filters  = [192, 384, 768, 1024]
        elif backbone == "resnet50":
            self.resnet = resnet50(pretrained = pretrained)
            in_filters  = [192, 512, 1024, 3072]
        else:
            raise ValueError('Unsupported backbone - `{}`, Use vgg, resnet50.'.format(backbone))
        out_filters = [64, 128, 256, 512]

        self.up_concat4 = unetUp(in_filters[3], out_filters[3])
        self.up_concat3 = unetUp(in_filters[2], out_filters[2])
        self.up_concat2 = unetUp(in_filters[1], out_filters[1])
        self.up_concat1 = unetUp(in_filters[0], out_filters[0])

        if backbone == 'resnet50':
            self.up_conv = nn.Sequential(
                nn.UpsamplingBilinear2d(scale_factor = 2),
                nn.Conv2d(out_filters[0], out_filters[0], kernel_size = 3, padding = 1),
                nn.ReLU(),
                nn.Conv2d(out_filters[0], out_filters[0], kernel_size = 3, padding = 1),
                nn.ReLU(),
            )
        else:
            self.up_conv = None

        self.final = nn.Conv2d(out_filters[0], num_classes, 1)

        self.backbone = backbone

    def forward(self, inputs):
        if self.backbone == "vgg":
            [feat1, feat2, feat3, feat4, feat5] = self.vgg.forward(inputs)
        elif self.backbone == "resnet50":
            [feat1, feat2, feat3, feat4, feat5] = self.resnet.forward(inputs)

        up4 = self.up_concat4(feat4, feat5)
        up3 = self.up_concat3(feat3, up4)
        up2 = self.up_concat2(feat2, up3)
        up1 = self.up_concat1(feat1, up2)

        if self.up_conv != None:
            up1 = self.up_conv(up1)

        final = self.final(up1)

        return final


# ---- the fixtures ------------------------------------------------------------------------------
BACKBONES = ("vgg", "resnet50")


def check_against_reference(path):
    """the copy against the repository's own Unet: names, shapes and outputs with the same weights"""
    sys.path.insert(0, path)
    from nets.unet import Unet as RefUnet

    for backbone in BACKBONES:
        mine = Unet(CLASSES, False, backbone)
        formula_weights.fill(mine)
        # assert_same_network zips the outputs: for one tensor that compares it image by image
        assert_same_network(mine, RefUnet(CLASSES, False, backbone), torch.Generator().manual_seed(1), SIZE, backbone)
    print("matches", path, "(vgg, resnet50: names and shapes; outputs in eval and train mode)")


def write_fixtures(backbone, gen):
    name = "unet_%s_c%d" % (backbone, CLASSES)
    model = Unet(CLASSES, False, backbone)
    formula_weights.fill(model)
    state = model.state_dict()
    torch.save(formula_weights.positions(state), os.path.join(OUT, name + "_positions.pth"))
    sums = torch.tensor([float(t.double().sum()) if t.is_floating_point() else 0.0 for t in state.values()],
                        dtype=torch.float64)
    x = torch.rand(2, 3, SIZE, SIZE, generator=gen)
    model.double()
    with torch.no_grad():
        evaluated = model.eval()(x.double()).float()
        trained = model.train()(x.double()).float()
    torch.save({"input": x, "eval": evaluated, "train": trained, "weight_sums": sums},
               os.path.join(OUT, name + "_io.pt"))
    print(name, len(state), "tensors;", "eval |logits| mean %.4g max %.4g," % (evaluated.abs().mean(), evaluated.abs().max()),
          "train |logits| mean %.4g max %.4g" % (trained.abs().mean(), trained.abs().max()))


def main():
    if os.environ.get("UNET_REFERENCE"):
        check_against_reference(os.environ["UNET_REFERENCE"])
    os.makedirs(OUT, exist_ok=True)
    for i, backbone in enumerate(BACKBONES):
        write_fixtures(backbone, torch.Generator().manual_seed(i))


if __name__ == "__main__":
    main()
