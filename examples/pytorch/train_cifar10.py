"""Train a small ResNet-style classifier on CIFAR-10 with PyTorch Lightning.

Besides the 10-way class label, the model predicts an auxiliary binary target,
"is this a vehicle?" (airplane, automobile, ship, truck), from a second head.

    python pytorch/train_cifar10.py --lr 1e-3 --epochs 30
    python pytorch/train_cifar10.py --lr 0.5 --epochs 30        # logs/cifar10/version_1
    python pytorch/train_cifar10.py --export-predictions ckpt   # predictions/cifar10_val_*.npy

Metrics go to logs/cifar10/version_N/metrics.csv (Lightning's CSVLogger).
"""

import argparse
from pathlib import Path

import lightning as L
import numpy as np
import torch
import torch.nn.functional as F
from lightning.pytorch.callbacks import LearningRateMonitor, ModelCheckpoint
from lightning.pytorch.loggers import CSVLogger
from torch import nn
from torch.utils.data import DataLoader, random_split
from torchvision import datasets, transforms

CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
VEHICLES = torch.tensor([0, 1, 8, 9])


def conv_block(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    )


class Residual(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.body = nn.Sequential(conv_block(channels, channels), conv_block(channels, channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class CifarNet(L.LightningModule):
    def __init__(self, lr: float = 1e-3, weight_decay: float = 5e-4, aux_weight: float = 0.3):
        super().__init__()
        self.save_hyperparameters()
        self.backbone = nn.Sequential(
            conv_block(3, 64),
            conv_block(64, 128),
            nn.MaxPool2d(2),
            Residual(128),
            conv_block(128, 256),
            nn.MaxPool2d(2),
            conv_block(256, 256),
            nn.MaxPool2d(2),
            Residual(256),
            nn.AdaptiveMaxPool2d(1),
            nn.Flatten(),
        )
        self.classifier = nn.Linear(256, len(CLASSES))
        self.vehicle_head = nn.Sequential(nn.Linear(256, 1), nn.Sigmoid())
        self.criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
        self.vehicle_criterion = nn.BCEWithLogitsLoss()

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.backbone(x))

    def forward(self, x: torch.Tensor):
        features = self.backbone(x)
        class_probs = F.softmax(self.classifier(features), dim=1)
        vehicle_prob = self.vehicle_head(features).squeeze(1)
        return class_probs, vehicle_prob

    def _shared_step(self, batch):
        images, labels = batch
        class_probs, vehicle_prob = self(images)
        is_vehicle = torch.isin(labels, VEHICLES.to(labels.device)).float()
        class_loss = self.criterion(class_probs, labels)
        vehicle_loss = self.vehicle_criterion(vehicle_prob, is_vehicle)
        loss = class_loss + self.hparams.aux_weight * vehicle_loss
        acc = (class_probs.argmax(dim=1) == labels).float().mean()
        return loss, acc

    def training_step(self, batch, batch_idx):
        loss, acc = self._shared_step(batch)
        self.log("train_loss", loss, on_step=True, on_epoch=True, prog_bar=True)
        self.log("train_acc", acc, on_step=False, on_epoch=True)
        return loss

    def validation_step(self, batch, batch_idx):
        loss, acc = self._shared_step(batch)
        self.log("val_loss", loss, prog_bar=True)
        self.log("val_acc", acc, prog_bar=True)

    def configure_optimizers(self):
        optimizer = torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9, weight_decay=self.hparams.weight_decay)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=self.trainer.max_epochs)
        return {"optimizer": optimizer, "lr_scheduler": scheduler}


def dataloaders(data_dir: str, batch_size: int):
    normalize = transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))
    train_tf = transforms.Compose([transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip(), transforms.ToTensor(), normalize])
    full = datasets.CIFAR10(data_dir, train=True, download=True, transform=train_tf)
    train, val = random_split(full, [45_000, 5_000], generator=torch.Generator().manual_seed(0))
    return (
        DataLoader(train, batch_size=batch_size, shuffle=True, num_workers=4, drop_last=True),
        DataLoader(val, batch_size=512, num_workers=4),
    )


@torch.no_grad()
def export_predictions(model: CifarNet, loader: DataLoader, out_dir: Path, limit: int = 1000) -> None:
    """Saves raw class logits and integer labels of the first `limit` validation images."""
    model.eval()
    logits, labels = [], []
    for images, y in loader:
        logits.append(model.logits(images.to(model.device)).cpu())
        labels.append(y)
    out_dir.mkdir(parents=True, exist_ok=True)
    np.save(out_dir / "cifar10_val_logits.npy", torch.cat(logits)[:limit].numpy().astype(np.float32))
    np.save(out_dir / "cifar10_val_labels.npy", torch.cat(labels)[:limit].numpy().astype(np.int64))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--export-predictions", metavar="CHECKPOINT")
    args = parser.parse_args()

    L.seed_everything(0)
    train_loader, val_loader = dataloaders(args.data_dir, args.batch_size)
    if args.export_predictions:
        model = CifarNet.load_from_checkpoint(args.export_predictions)
        export_predictions(model, val_loader, Path("predictions"))
        return

    model = CifarNet(lr=args.lr)
    trainer = L.Trainer(
        max_epochs=args.epochs,
        logger=CSVLogger(save_dir="logs", name="cifar10"),
        callbacks=[ModelCheckpoint(monitor="val_loss"), LearningRateMonitor()],
        log_every_n_steps=50,
    )
    trainer.fit(model, train_loader, val_loader)


if __name__ == "__main__":
    main()
