"""Fine-tune DistilBERT for movie-review sentiment (positive / negative) with the HF Trainer.

    python huggingface/finetune_reviews.py

Checkpoints and logs go to logs/reviews-distilbert/; trainer.save_state() writes
logs/reviews-distilbert/trainer_state.json with the full log history.
"""

import numpy as np
from datasets import load_dataset
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
)

CHECKPOINT = "distilbert-base-uncased"


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    return {"accuracy": float((np.argmax(logits, axis=-1) == labels).mean())}


def main() -> None:
    reviews = load_dataset("imdb")
    tokenizer = AutoTokenizer.from_pretrained(CHECKPOINT)
    tokenized = reviews.map(lambda batch: tokenizer(batch["text"], truncation=True, max_length=256), batched=True)

    model = AutoModelForSequenceClassification.from_pretrained(
        CHECKPOINT,
        num_labels=2,
        id2label={0: "negative", 1: "positive"},
        label2id={"negative": 0, "positive": 1},
    )
    args = TrainingArguments(
        output_dir="logs/reviews-distilbert",
        learning_rate=5e-5,
        per_device_train_batch_size=32,
        per_device_eval_batch_size=64,
        num_train_epochs=8,
        weight_decay=0.01,
        warmup_ratio=0.0,
        eval_strategy="epoch",
        save_strategy="epoch",
        logging_steps=100,
        seed=7,
        report_to="none",
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=tokenized["train"],
        eval_dataset=tokenized["test"],
        processing_class=tokenizer,
        data_collator=DataCollatorWithPadding(tokenizer),
        compute_metrics=compute_metrics,
    )
    trainer.train()
    trainer.save_state()


if __name__ == "__main__":
    main()
