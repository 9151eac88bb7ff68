#!/usr/bin/python3
"""Writes the data files of the demo workspace (examples/): training logs and predictions.

The training scripts in examples/ are written by hand; this script makes what running them
would have left behind, deterministically (fixed seeds, fixed timestamps), in the formats the
real tools write:

  logs/cifar10/version_{0,1,2}/metrics.csv, hparams.yaml   Lightning CSVLogger (train_cifar10.py)
  logs/news_topics/<run>/{train,validation}/events.out.tfevents.*   Keras TensorBoard callback
  logs/reviews-distilbert/trainer_state.json                 Hugging Face Trainer.save_state()
  predictions/cifar10_val_logits.npy, cifar10_val_labels.npy  class logits + int64 labels
  predictions/cifar10_val_label_audit.csv                    the mislabelled samples, by index
  predictions/house_prices_val.csv                           regression predictions vs targets

The story the data tells (see examples/README.md): softmax before CrossEntropyLoss puts a
floor under the loss; a learning rate of 0.5 diverges to NaN; the fixed run converges and
starts to overfit; the DistilBERT fine-tune overfits after epoch 2; a few mislabelled images
and a few mistyped prices dominate their losses.

    /usr/bin/python3 scripts/examples/make-examples.py            rewrite the files
    /usr/bin/python3 scripts/examples/make-examples.py --check    regenerate into a temporary
                                                                 folder and compare, byte for byte
"""

import argparse
import csv
import filecmp
import io
import json
import math
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts" / "fixtures"))

CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
# Pairs a CIFAR-10 classifier mixes up most (each direction).
CONFUSABLE = {0: [8, 2], 1: [9], 2: [0, 6, 4], 3: [5, 2], 4: [7, 2], 5: [3, 7], 6: [2, 3], 7: [4, 5], 8: [0, 1], 9: [1, 8]}


def f32(x: float) -> float:
    """A value as a float32 metric tensor would report it through .item()."""
    return float(np.float32(x))


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write(text)


# ---------------------------------------------------------------------------------------------
# Lightning CSVLogger: logs/cifar10/version_N/metrics.csv
# ---------------------------------------------------------------------------------------------

STEPS_PER_EPOCH = 351  # 45,000 training images, batch 128, drop_last
LOG_EVERY = 50


def lightning_csv(rows: list) -> str:
    """Rows as Lightning's CSVLogger writes them: sorted union of keys as header, empty cells."""
    keys = sorted({k for row in rows for k in row})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=keys, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("nan" if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()})
    return out.getvalue()


def cifar_run(rng: np.random.Generator, *, epochs: int, lr: float, curve, acc_curve, val_gap, diverge_at=None) -> list:
    """Metric rows of one run. curve(t) is the expected train loss at fractional epoch t."""
    rows = []
    for epoch in range(epochs):
        # LearningRateMonitor logs the epoch's learning rate (cosine schedule) before its steps.
        rows.append({"lr-SGD": f32(lr * 0.5 * (1 + math.cos(math.pi * epoch / 30))), "step": epoch * STEPS_PER_EPOCH})
        step_losses = []
        for batch in range(STEPS_PER_EPOCH):
            t = epoch + batch / STEPS_PER_EPOCH
            step = epoch * STEPS_PER_EPOCH + batch
            if diverge_at is not None and step >= diverge_at:
                loss = math.nan
            else:
                loss = curve(t) * float(np.exp(0.06 * rng.standard_normal()))
                if diverge_at is not None and step > diverge_at - 120:
                    # The last hundred steps before NaN: the loss swings wider and wider.
                    loss *= float(np.exp(((step - (diverge_at - 120)) / 40) * abs(rng.standard_normal())))
            step_losses.append(loss)
            if (batch + 1) % LOG_EVERY == 0:
                rows.append({"epoch": epoch, "step": step, "train_loss_step": f32(loss)})
        end_step = (epoch + 1) * STEPS_PER_EPOCH - 1
        train_epoch = float(np.mean(step_losses))
        diverged = math.isnan(train_epoch)
        val_loss = math.nan if diverged else curve(epoch + 1) + val_gap(epoch + 1) + 0.015 * rng.standard_normal()
        val_acc = 0.1 if diverged else min(0.99, acc_curve(epoch + 1) + 0.006 * rng.standard_normal())
        train_acc = 0.1 if diverged else min(0.995, acc_curve(epoch + 1) + 0.02 + 0.004 * rng.standard_normal())
        rows.append({"epoch": epoch, "step": end_step, "val_acc": f32(val_acc), "val_loss": f32(val_loss)})
        rows.append({"epoch": epoch, "step": end_step, "train_acc": f32(train_acc), "train_loss_epoch": f32(train_epoch)})
    return rows


def make_cifar_logs(root: Path) -> None:
    # Initial loss: log(10) for the class head plus 0.3 x log(2) for the vehicle head.
    start = math.log(10) + 0.3 * math.log(2)
    # version_0: softmax before CrossEntropyLoss. The loss sees probabilities as logits, so even a
    # perfect prediction costs log(1 + 9/e) = 1.46 (plus label smoothing and the sigmoid-squashed
    # vehicle head): the curve flattens near 1.75 while accuracy keeps creeping up.
    floor0 = 1.74
    runs = {
        "version_0": dict(
            lr=1e-3,
            epochs=30,
            curve=lambda t: floor0 + (start - floor0) * math.exp(-t / 4.0),
            acc_curve=lambda t: 0.1 + 0.62 * (1 - math.exp(-t / 7.0)),
            val_gap=lambda t: 0.02,
        ),
        # version_1: learning rate 0.5, same model: unstable from the start, NaN from step 889
        # (epoch 2); the user stopped it after epoch 4.
        "version_1": dict(
            lr=0.5,
            epochs=5,
            curve=lambda t: start + 0.25 * math.sin(3 * t) + 0.15 * t,
            acc_curve=lambda t: 0.1 + 0.08 * min(t, 2),
            val_gap=lambda t: 0.1,
            diverge_at=2 * STEPS_PER_EPOCH + 187,
        ),
        # version_2: forward() returns logits (the fix). Converges, then the validation loss turns
        # up after epoch 16 or so while the training loss keeps edging down: overfitting.
        "version_2": dict(
            lr=0.05,
            epochs=30,
            curve=lambda t: 0.52 + (start - 0.52) * math.exp(-t / 3.2),
            acc_curve=lambda t: 0.1 + 0.80 * (1 - math.exp(-t / 3.5)),
            val_gap=lambda t: 0.08 + 0.0009 * max(0.0, t - 18) ** 2,
        ),
    }
    for i, (version, spec) in enumerate(runs.items()):
        rng = np.random.default_rng(1000 + i)
        lr = spec.pop("lr")
        rows = cifar_run(rng, lr=lr, **spec)
        write_text(root / "logs" / "cifar10" / version / "metrics.csv", lightning_csv(rows))
        write_text(root / "logs" / "cifar10" / version / "hparams.yaml", f"aux_weight: 0.3\nlr: {lr}\nweight_decay: 0.0005\n")


# ---------------------------------------------------------------------------------------------
# Hugging Face Trainer: logs/reviews-distilbert/trainer_state.json
# ---------------------------------------------------------------------------------------------


def make_trainer_state(root: Path) -> None:
    """DistilBERT on 25,000 reviews, 8 epochs, batch 32: the eval loss bottoms out at epoch 2."""
    rng = np.random.default_rng(2000)
    steps_per_epoch = 782
    max_steps = 8 * steps_per_epoch
    base_lr = 5e-5
    eval_loss = [0.2391, 0.2212, 0.2674, 0.3391, 0.4057, 0.4619, 0.5108, 0.5362]
    eval_acc = [0.90964, 0.92348, 0.92112, 0.91876, 0.91704, 0.91628, 0.91572, 0.91604]
    history = []
    train_losses = []
    for step in range(1, max_steps + 1):
        epoch = step / steps_per_epoch
        if step % 100 == 0:
            # Cross-entropy of a fine-tune: a fast drop in the first epoch, then memorisation.
            expected = 0.02 + 0.30 * math.exp(-(epoch - 0.1) / 1.3) + 0.36 * math.exp(-epoch * 6)
            loss = round(max(0.002, expected * float(np.exp(0.18 * rng.standard_normal()))), 4)
            train_losses.append(loss)
            history.append(
                {
                    "epoch": epoch,
                    "grad_norm": float(np.float32(abs(4.0 * expected + 0.8 * rng.standard_normal()) + 0.05)),
                    "learning_rate": base_lr * (1 - step / max_steps),
                    "loss": loss,
                    "step": step,
                }
            )
        if step % steps_per_epoch == 0:
            k = step // steps_per_epoch
            runtime = round(61.3 + 0.8 * float(rng.standard_normal()), 4)
            history.append(
                {
                    "epoch": float(k),
                    "eval_accuracy": eval_acc[k - 1],
                    "eval_loss": eval_loss[k - 1],
                    "eval_runtime": runtime,
                    "eval_samples_per_second": round(25000 / runtime, 3),
                    "eval_steps_per_second": round(391 / runtime, 3),
                    "step": step,
                }
            )
    train_runtime = 3890.4117
    history.append(
        {
            "epoch": 8.0,
            "step": max_steps,
            "total_flos": 2.6492166193152e16,
            "train_loss": float(np.mean(train_losses)),
            "train_runtime": train_runtime,
            "train_samples_per_second": round(8 * 25000 / train_runtime, 3),
            "train_steps_per_second": round(max_steps / train_runtime, 3),
        }
    )
    state = {
        "best_global_step": None,
        "best_metric": None,
        "best_model_checkpoint": None,
        "epoch": 8.0,
        "eval_steps": 500,
        "global_step": max_steps,
        "is_hyper_param_search": False,
        "is_local_process_zero": True,
        "is_world_process_zero": True,
        "log_history": history,
        "logging_steps": 100,
        "max_steps": max_steps,
        "num_input_tokens_seen": 0,
        "num_train_epochs": 8,
        "save_steps": 500,
        "stateful_callbacks": {
            "TrainerControl": {
                "args": {
                    "should_epoch_stop": False,
                    "should_evaluate": False,
                    "should_log": False,
                    "should_save": True,
                    "should_training_stop": True,
                },
                "attributes": {},
            }
        },
        "total_flos": 2.6492166193152e16,
        "train_batch_size": 32,
        "trial_name": None,
        "trial_params": None,
    }
    # Trainer writes json.dumps(asdict(state), indent=2, sort_keys=True) + "\n".
    write_text(root / "logs" / "reviews-distilbert" / "trainer_state.json", json.dumps(state, indent=2, sort_keys=True) + "\n")


# ---------------------------------------------------------------------------------------------
# Predictions: CIFAR-10 validation logits + labels, house-price regression
# ---------------------------------------------------------------------------------------------


def make_cifar_predictions(root: Path) -> None:
    """1,000 validation images scored by the fixed model (version_2), about 85% accurate.

    Fifteen labels are wrong (the audit file lists them): the model confidently predicts the
    true class, so those samples get the largest cross-entropy losses of the set.
    """
    rng = np.random.default_rng(3000)
    n, c = 1000, len(CLASSES)
    true = rng.integers(0, c, size=n)
    logits = rng.normal(0.0, 1.1, size=(n, c))
    predicted = true.copy()
    wrong = rng.random(n) < 0.10
    for i in np.flatnonzero(wrong):
        predicted[i] = rng.choice(CONFUSABLE[int(true[i])])
    confidence = rng.normal(5.0, 1.6, size=n).clip(1.0, 9.5)
    # Mistakes are made with less confidence than correct answers.
    confidence[wrong] *= 0.6
    logits[np.arange(n), predicted] += confidence
    # A wrong prediction usually still ranks the true class second.
    logits[np.flatnonzero(wrong), true[wrong]] += confidence[wrong] * rng.uniform(0.5, 0.95, size=int(wrong.sum()))

    labels = true.copy()
    candidates = np.flatnonzero(~wrong & (confidence > 6.8))
    mislabelled = np.sort(rng.choice(candidates, size=15, replace=False))
    for i in mislabelled:
        # Annotators confuse look-alike classes, so the wrong label is usually a confusable one.
        labels[i] = rng.choice(CONFUSABLE[int(true[i])])

    out = root / "predictions"
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "cifar10_val_logits.npy", logits.astype(np.float32))
    np.save(out / "cifar10_val_labels.npy", labels.astype(np.int64))
    rows = ["index,given_label,given_class,correct_label,correct_class"]
    rows += [f"{i},{labels[i]},{CLASSES[labels[i]]},{true[i]},{CLASSES[true[i]]}" for i in mislabelled]
    write_text(out / "cifar10_val_label_audit.csv", "\n".join(rows) + "\n")


def make_house_prices(root: Path) -> None:
    """400 validation houses, prices in thousands of dollars; five prices were typed with an
    extra zero, so a handful of rows dominate the mean squared error."""
    rng = np.random.default_rng(4000)
    n = 400
    price = np.exp(rng.normal(math.log(245.0), 0.38, size=n)).clip(60, 1500)
    predicted = price * np.exp(rng.normal(0.0, 0.11, size=n)) + rng.normal(0.0, 6.0, size=n)
    typo = np.sort(rng.choice(n, size=5, replace=False))
    recorded = price.copy()
    recorded[typo] *= 10
    ids = rng.choice(np.arange(1000, 9999), size=n, replace=False)
    lines = ["id,predicted_price,price"]
    lines += [f"H{ids[i]},{predicted[i]:.1f},{recorded[i]:.1f}" for i in range(n)]
    write_text(root / "predictions" / "house_prices_val.csv", "\n".join(lines) + "\n")


# ---------------------------------------------------------------------------------------------
# Keras TensorBoard callback: logs/news_topics/<run>/{train,validation}/events.out.tfevents.*
# ---------------------------------------------------------------------------------------------

TB_START = 1718000000  # fixed wall-clock start (2024-06-10), so the files are reproducible
TB_HOST = "demo-host"


def news_topics_run(rng: np.random.Generator, *, epochs: int, train_curve, val_curve, acc_curve):
    """Per-epoch (step, wall_time, tag, value) records of one Keras run, train and validation."""
    train, validation = [], []
    for epoch in range(epochs):
        wall = TB_START + 14.2 * (epoch + 1) + 0.3 * rng.random()
        train += [
            (epoch, wall, "epoch_loss", f32(train_curve(epoch) * float(np.exp(0.01 * rng.standard_normal())))),
            (epoch, wall, "epoch_accuracy", f32(min(0.999, acc_curve(epoch) + 0.01))),
            (epoch, wall, "epoch_learning_rate", f32(1e-3)),
        ]
        validation += [
            (epoch, wall + 1.1, "epoch_loss", f32(val_curve(epoch) + 0.004 * rng.standard_normal())),
            (epoch, wall + 1.1, "epoch_accuracy", f32(acc_curve(epoch) - 0.004 + 0.003 * rng.standard_normal())),
        ]
    return train, validation


def make_tensorboard_logs(root: Path) -> None:
    try:
        from tfevents_writer import write_scalars
    except ImportError as e:
        raise SystemExit(f"scripts/fixtures/tfevents_writer.py is needed for the TensorBoard logs: {e}")
    # 4 classes: a softmax output fed to from_logits=True can never cost less than
    # log(1 + 3/e) = 0.74, however right the model is.
    runs = {
        "baseline": dict(
            epochs=12,
            train_curve=lambda e: 0.80 + 0.45 * math.exp(-e / 1.6),
            val_curve=lambda e: 0.82 + 0.40 * math.exp(-e / 1.6),
            acc_curve=lambda e: 0.885 - 0.25 * math.exp(-e / 1.4),
        ),
        # from_logits=True removed: the loss falls freely, validation bottoms out at epoch 4 and
        # EarlyStopping(patience=3) ends the run after epoch 7.
        "baseline_fixed": dict(
            epochs=8,
            train_curve=lambda e: 0.12 + 0.55 * math.exp(-e / 1.5),
            val_curve=lambda e: 0.285 + 0.006 * (e - 4) ** 2 + 0.25 * math.exp(-e / 0.9),
            acc_curve=lambda e: 0.912 - 0.20 * math.exp(-e / 1.1),
        ),
    }
    for i, (run, spec) in enumerate(runs.items()):
        rng = np.random.default_rng(5000 + i)
        train, validation = news_topics_run(rng, **spec)
        pid = 4242 + i
        for split, records, offset in (("train", train, 0), ("validation", validation, 1)):
            stamp = TB_START + 2 * i + offset
            path = root / "logs" / "news_topics" / run / split / f"events.out.tfevents.{stamp}.{TB_HOST}.{pid}.{offset}.v2"
            path.parent.mkdir(parents=True, exist_ok=True)
            # Keras 3 writes through tf.summary: TF2 tensor scalars with the "scalars" plugin.
            write_scalars(str(path), records, tf2_tensor=True)


# ---------------------------------------------------------------------------------------------

MAKERS = [make_cifar_logs, make_trainer_state, make_tensorboard_logs, make_cifar_predictions, make_house_prices]
GENERATED_DIRS = ["logs", "predictions"]
HAND_WRITTEN_SCRIPTS = ["pytorch/train_cifar10.py", "pytorch/train_house_prices.py", "keras/train_news_topics.py", "huggingface/finetune_reviews.py"]


def generate(root: Path) -> None:
    for make in MAKERS:
        make(root)


def files_under(root: Path) -> set:
    return {str(p.relative_to(root)) for d in GENERATED_DIRS for p in (root / d).rglob("*") if p.is_file()}


def check(examples: Path) -> int:
    """Regenerates into a temporary folder; returns the number of differences from `examples`."""
    problems = []
    for script in HAND_WRITTEN_SCRIPTS:
        try:
            compile((examples / script).read_text(), script, "exec")
        except (OSError, SyntaxError) as e:
            problems.append(f"{script}: {e}")
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        want, have = files_under(fresh), files_under(examples)
        problems += [f"missing: {f}" for f in sorted(want - have)]
        problems += [f"not made by this script: {f}" for f in sorted(have - want)]
        problems += [f"differs: {f}" for f in sorted(want & have) if not filecmp.cmp(fresh / f, examples / f, shallow=False)]
    for p in problems:
        print(p, file=sys.stderr)
    return len(problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "examples", help="the demo workspace (default: examples/)")
    parser.add_argument("--check", action="store_true", help="verify the committed files instead of writing them")
    args = parser.parse_args()
    if args.check:
        differences = check(args.out)
        print(f"examples check: {'ok' if differences == 0 else f'{differences} problem(s)'}")
        sys.exit(1 if differences else 0)
    for d in GENERATED_DIRS:
        # Start clean so files from an older version of this script do not linger.
        for p in sorted((args.out / d).rglob("*"), reverse=True) if (args.out / d).exists() else []:
            p.unlink() if p.is_file() else p.rmdir()
    generate(args.out)
    files = sorted(files_under(args.out))
    total = sum((args.out / f).stat().st_size for f in files)
    print(f"wrote {len(files)} files, {total / 1024:.0f} KiB, under {args.out}")


if __name__ == "__main__":
    main()
