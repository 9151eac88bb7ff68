"""Classify news headlines into four topics (World, Sports, Business, Sci/Tech) with Keras.

Two experiments share the data pipeline:
  * "baseline": bag of n-grams -> embedding -> dense layers
  * "conv":     embedding -> 1-D convolution -> max pooling

    python keras/train_news_topics.py --run baseline
    python keras/train_news_topics.py --run conv

TensorBoard logs go to logs/news_topics/<run>/{train,validation}.
"""

import argparse

import keras
import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds
from keras import layers

TOPICS = ["World", "Sports", "Business", "Sci/Tech"]
VOCAB_SIZE = 20_000
SEQUENCE_LENGTH = 48


def load_data(batch_size: int):
    train, test = tfds.load("ag_news_subset", split=["train", "test"], as_supervised=True)
    vectorize = layers.TextVectorization(max_tokens=VOCAB_SIZE, output_sequence_length=SEQUENCE_LENGTH, ngrams=2)
    vectorize.adapt(train.map(lambda text, label: text).batch(1024))

    def prepare(ds, shuffle: bool):
        ds = ds.map(lambda text, label: (vectorize(text), label), num_parallel_calls=tf.data.AUTOTUNE)
        if shuffle:
            ds = ds.shuffle(10_000, seed=42)
        return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)

    return prepare(train, shuffle=True), prepare(test, shuffle=False)


def baseline_model() -> keras.Model:
    inputs = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64")
    x = layers.Embedding(VOCAB_SIZE, 64)(inputs)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dense(64, activation="relu")(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(len(TOPICS), activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="baseline")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def conv_model() -> keras.Model:
    model = keras.Sequential(
        [
            keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64"),
            layers.Embedding(VOCAB_SIZE, 96),
            layers.Conv1D(128, 5, activation="relu"),
            layers.GlobalMaxPooling1D(),
            layers.Dense(len(TOPICS), activation="softmax"),
        ],
        name="conv",
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--run", choices=["baseline", "conv"], default="baseline")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()

    keras.utils.set_random_seed(42)
    train, test = load_data(args.batch_size)
    model = baseline_model() if args.run == "baseline" else conv_model()
    model.summary()

    callbacks = [
        keras.callbacks.TensorBoard(log_dir=f"logs/news_topics/{args.run}", update_freq="epoch"),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True),
    ]
    model.fit(train, validation_data=test, epochs=args.epochs, callbacks=callbacks)

    probs = model.predict(test)
    labels = np.concatenate([y.numpy() for _, y in test])
    print(f"test accuracy: {(probs.argmax(axis=1) == labels).mean():.4f}")


if __name__ == "__main__":
    main()
