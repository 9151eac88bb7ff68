"""Predict house sale prices (in thousands of dollars) from tabular features with a small MLP.

    python pytorch/train_house_prices.py --data data/houses.csv

Writes the validation predictions to predictions/house_prices_val.csv (id, predicted_price, price).
"""

import argparse
import csv
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

FEATURES = ["living_area_m2", "lot_area_m2", "bedrooms", "bathrooms", "year_built", "garage_cars", "overall_quality", "distance_to_center_km"]


def load(path: str):
    rows = list(csv.DictReader(open(path, newline="")))
    x = np.array([[float(r[f]) for f in FEATURES] for r in rows], dtype=np.float32)
    y = np.array([float(r["price"]) for r in rows], dtype=np.float32)
    ids = [r["id"] for r in rows]
    return ids, x, y


class PriceModel(nn.Module):
    def __init__(self, n_features: int, mean: np.ndarray, std: np.ndarray):
        super().__init__()
        self.register_buffer("mean", torch.from_numpy(mean))
        self.register_buffer("std", torch.from_numpy(std))
        self.net = nn.Sequential(
            nn.Linear(n_features, 128),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(128, 64),
            nn.ReLU(),
            nn.Linear(64, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net((x - self.mean) / self.std).squeeze(-1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="data/houses.csv")
    parser.add_argument("--epochs", type=int, default=200)
    args = parser.parse_args()

    torch.manual_seed(3)
    ids, x, y = load(args.data)
    order = np.random.default_rng(3).permutation(len(y))
    split = int(0.8 * len(y))
    train_idx, val_idx = order[:split], order[split:]

    model = PriceModel(x.shape[1], x[train_idx].mean(0), x[train_idx].std(0) + 1e-6)
    loader = DataLoader(TensorDataset(torch.from_numpy(x[train_idx]), torch.from_numpy(y[train_idx])), batch_size=64, shuffle=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    loss_fn = nn.MSELoss()

    for epoch in range(args.epochs):
        model.train()
        for features, price in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(features), price)
            loss.backward()
            optimizer.step()
        if epoch % 20 == 0:
            print(f"epoch {epoch:3d}  train mse {loss.item():10.1f}")

    model.eval()
    with torch.no_grad():
        predicted = model(torch.from_numpy(x[val_idx])).numpy()
    out = Path("predictions/house_prices_val.csv")
    out.parent.mkdir(exist_ok=True)
    with out.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "predicted_price", "price"])
        for i, p in zip(val_idx, predicted):
            writer.writerow([ids[i], f"{p:.1f}", f"{y[i]:.1f}"])


if __name__ == "__main__":
    main()
