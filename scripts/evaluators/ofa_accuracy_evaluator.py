#!/usr/bin/env python3
"""An accuracy evaluator for a trained OFA supernet: each requested subnet is taken out of the
supernet, its batch-norm statistics are recomputed on a few thousand training images at the
subnet's resolution (as OFA does before it reports a subnet's accuracy), and it is validated on
ImageNet's validation set at that resolution. Protocol: docs/evaluators.md.

Needs PyTorch, torchvision and the `ofa` package (pip install torch torchvision ofa) and ImageNet
in the usual folder layout (IMAGENET/train/<class>/*.JPEG, IMAGENET/val/<class>/*.JPEG). A spec:

    kind: command
    command: [python3, scripts/evaluators/ofa_accuracy_evaluator.py, --imagenet, /data/imagenet,
              --supernet, ofa_mbv3_d234_e346_k357_w1.2]
    batch_size: 4
    timeout_seconds: 3600

A worker measures one subnet at a time on one GPU; run several specs (one per GPU, each with its
own CUDA_VISIBLE_DEVICES in `environment:` and its own `store:`) to measure in parallel, or wrap the
command in scripts/cluster/srun-evaluator.sh to take a GPU from SLURM.
"""
import argparse
import json
import random
import sys

import torch
import torchvision.datasets as datasets
import torchvision.transforms as transforms
from ofa.imagenet_classification.elastic_nn.utils import set_running_statistics
from ofa.model_zoo import ofa_net


def log(*args):
    print(*args, file=sys.stderr, flush=True)   # stdout carries the protocol only


def loader(folder, resolution, train, images, batch_size, workers, seed):
    normalize = transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
    if train:   # the calibration images: OFA's training-time crop, a fixed random subset
        transform = transforms.Compose([transforms.RandomResizedCrop(resolution), transforms.RandomHorizontalFlip(),
                                        transforms.ToTensor(), normalize])
    else:       # OFA's validation transform: resize to r/0.875, centre crop r
        transform = transforms.Compose([transforms.Resize(int(round(resolution / 0.875))), transforms.CenterCrop(resolution),
                                        transforms.ToTensor(), normalize])
    dataset = datasets.ImageFolder(folder, transform)
    if images:
        indices = list(range(len(dataset)))
        random.Random(seed).shuffle(indices)
        dataset = torch.utils.data.Subset(dataset, indices[:images])
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=False, num_workers=workers, pin_memory=True)


@torch.no_grad()
def top1(net, data, device):
    net.eval()
    correct = total = 0
    for images, labels in data:
        output = net(images.to(device, non_blocking=True))
        correct += (output.argmax(dim=1).cpu() == labels).sum().item()
        total += labels.numel()
    return correct / total


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--imagenet", required=True, help="folder with train/ and val/")
    p.add_argument("--supernet", default="ofa_mbv3_d234_e346_k357_w1.2", help="an ofa.model_zoo.ofa_net name")
    p.add_argument("--calibration-images", type=int, default=2000, help="training images for the batch-norm statistics")
    p.add_argument("--val-images", type=int, default=0, help="validation images (0: all 50,000)")
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--workers", type=int, default=8)
    args = p.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    supernet = ofa_net(args.supernet, pretrained=True)   # loaded once, before the handshake
    name = torch.cuda.get_device_name(0) if device == "cuda" else "cpu"
    print(json.dumps({"protocol": "ofasearch-evaluator/1", "name": "imagenet-top1", "metric": "accuracy",
                      "device": name, "version": f"{args.supernet}, {args.calibration_images} calibration images, "
                                                 f"val {args.val_images or 50000}, torch {torch.__version__}"}), flush=True)
    cache = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        results = []
        for arch in request.get("archs", []):
            try:
                r = arch["r"]
                if r not in cache:
                    cache[r] = (loader(args.imagenet + "/train", r, True, args.calibration_images, args.batch_size, args.workers, 0),
                                loader(args.imagenet + "/val", r, False, args.val_images, args.batch_size, args.workers, 0))
                calibration, validation = cache[r]
                supernet.set_active_subnet(ks=arch["ks"], e=arch["e"], d=arch["d"])
                subnet = supernet.get_active_subnet(preserve_weight=True).to(device)
                set_running_statistics(subnet, calibration)
                accuracy = top1(subnet, validation, device)
                log(f"r{r} d{arch['d']}: top-1 {accuracy:.4f}")
                results.append({"value": accuracy, "repeats": 1})
            except Exception as e:   # one subnet's failure is its own answer; the worker goes on
                results.append({"error": f"{type(e).__name__}: {e}"})
        print(json.dumps({"id": request["id"], "results": results}), flush=True)


if __name__ == "__main__":
    main()
