"""Trains the emotion model on GoEmotions (Ekman labels) and writes the shipped files into models/<name>/.

Run through models/train/train.sh (`npm run train`), which checks the prerequisites and fetches the word vectors.
"""

import argparse
import collections
import datetime
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import device_commands
import embeddings
import textnorm

LABELS = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]
NEUTRAL = LABELS.index("neutral")
MAX_CHARS = 2000
MAX_TOKENS = 64
EMBED_DIM = 100
THRESHOLD_GRID = np.arange(0.02, 0.985, 0.01)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", default="../shared/datasets/goemotions/ekman")
    p.add_argument("--out", default="models/emotion-cnn")
    p.add_argument("--cache", default="models/train/.cache")
    p.add_argument("--device-test", default="test/emotion/deviceCommands.txt")
    p.add_argument("--card-template", default="models/train/MODEL_CARD.template.md")
    p.add_argument("--vocab-size", type=int, default=150_000)
    p.add_argument("--filters", type=int, default=128)
    p.add_argument("--kernels", default="1,2,3,4")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--embed-lr", type=float, default=0.0, help="learning rate of the embeddings (default: --lr)")
    p.add_argument("--dropout", type=float, default=0.5)
    p.add_argument("--word-dropout", type=float, default=0.1, help="share of training words replaced by unknown")
    p.add_argument("--pos-weight", action=argparse.BooleanOptionalAction, default=True,
                   help="weigh rare labels' positives up")
    p.add_argument("--heads", type=int, default=1)
    p.add_argument("--teacher-heads", type=int, default=2,
                   help="distil from a word-CNN of this many heads (0: none)")
    p.add_argument("--teacher-gru", action=argparse.BooleanOptionalAction, default=True,
                   help="distil from a BiGRU too")
    p.add_argument("--distill", type=float, default=0.5, help="weight of the teachers' scores in the targets")
    p.add_argument("--blank-augment", type=int, default=600)
    p.add_argument("--reexport", action="store_true", help="export the last trained network again, no training")
    p.add_argument("--device-augment", type=int, default=3500)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--version", default="1.2.0")
    return p.parse_args()


def read_tsv(path: str) -> tuple[list[str], np.ndarray]:
    texts, targets = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            text, ids, _ = line.rstrip("\n").split("\t")
            row = np.zeros(len(LABELS), dtype=np.float32)
            for i in ids.split(","):
                row[int(i)] = 1.0
            texts.append(text)
            targets.append(row)
    return texts, np.stack(targets)


def read_device_test(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def build_vocab(train_norm: list[str], glove_words: list[str], size: int) -> list[str]:
    """Training words first (by frequency), then the most frequent GloVe words that survive normalisation."""
    glove_set = set(glove_words)
    counts = collections.Counter(w for t in train_norm for w in t.split(" ") if w)
    vocab = ["<pad>", "<unk>"]
    seen = set(vocab)
    for word, n in counts.most_common():
        # A word unknown to GloVe must occur twice, or its random vector only memorises one comment.
        if word in glove_set or n >= 2:
            vocab.append(word)
            seen.add(word)
    for word in glove_words:
        if len(vocab) >= size:
            break
        if word not in seen and textnorm.normalize(word, MAX_CHARS) == word:
            vocab.append(word)
            seen.add(word)
    return vocab


def init_embeddings(vocab: list[str], glove_words: list[str], glove: np.ndarray, rng: np.random.Generator):
    index = {w: i for i, w in enumerate(glove_words)}
    table = rng.normal(0.0, float(glove.std()), (len(vocab), EMBED_DIM)).astype(np.float32)
    table[0] = 0.0
    hits = 0
    for i, word in enumerate(vocab[2:], start=2):
        j = index.get(word)
        if j is not None:
            table[i] = glove[j]
            hits += 1
    return table, hits


class CnnHeads(nn.Module):
    """One or more word-CNN heads over the same word vectors; each gives its own logits.

    Each head's max-pool ignores padding, so a text scores the same alone or in a padded batch."""

    def __init__(self, kernels: list[int], filters: int, dropout: float, heads: int):
        super().__init__()
        self.kernels = kernels
        self.convs = nn.ModuleList(
            nn.ModuleList(nn.Conv1d(EMBED_DIM, filters, k, padding=k - 1) for k in kernels) for _ in range(heads))
        self.outs = nn.ModuleList(nn.Linear(filters * len(kernels), len(LABELS)) for _ in range(heads))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, ids: torch.Tensor) -> list[torch.Tensor]:
        x = x.transpose(1, 2)
        mask = (ids != 0).to(x.dtype).unsqueeze(1)
        # A window counts only if it covers a real token; ReLU outputs are >= 0, so zeroing the rest is safe.
        valid = [(F.conv1d(mask, torch.ones(1, 1, k, dtype=x.dtype), padding=k - 1) > 0).to(x.dtype)
                 for k in self.kernels]
        logits = []
        for convs, out in zip(self.convs, self.outs):
            pooled = [(F.relu(conv(x)) * v).amax(dim=2) for conv, v in zip(convs, valid)]
            logits.append(out(self.dropout(torch.cat(pooled, dim=1))))
        return logits


class WordCnn(nn.Module):
    """The network in training: a fine-tuned embedding table (GloVe-initialised) under the CNN heads."""

    def __init__(self, table: np.ndarray, kernels: list[int], filters: int, dropout: float, heads: int):
        super().__init__()
        self.embed = nn.Embedding.from_pretrained(torch.from_numpy(table), freeze=False, padding_idx=0, sparse=True)
        self.heads = CnnHeads(kernels, filters, dropout, heads)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Logits of every head, stacked: [heads, batch, labels]."""
        return torch.stack(self.heads(self.embed(ids), ids))


class BiGru(nn.Module):
    """A teacher only (too slow to ship): a bidirectional GRU over the same word vectors, max-pooled."""

    def __init__(self, table: np.ndarray, hidden: int, dropout: float):
        super().__init__()
        self.embed = nn.Embedding.from_pretrained(torch.from_numpy(table), freeze=False, padding_idx=0, sparse=True)
        self.gru = nn.GRU(EMBED_DIM, hidden, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(2 * hidden, len(LABELS))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        lengths = (ids != 0).sum(dim=1).clamp(min=1)
        packed = nn.utils.rnn.pack_padded_sequence(self.embed(ids), lengths, batch_first=True, enforce_sorted=False)
        states, _ = self.gru(packed)
        states, _ = nn.utils.rnn.pad_packed_sequence(states, batch_first=True, padding_value=-1e4)
        return self.out(self.dropout(states.amax(dim=1))).unsqueeze(0)


class QuantizedCnn(nn.Module):
    """What ships: the trained heads over an int8 embedding table (one scale per row), sigmoids averaged."""

    def __init__(self, trained: WordCnn):
        super().__init__()
        table = trained.embed.weight.detach()
        scale = table.abs().amax(dim=1, keepdim=True) / 127.0
        scale[scale == 0] = 1.0
        self.register_buffer("table_q", torch.round(table / scale).to(torch.int8))
        self.register_buffer("scale", scale.to(torch.float32))
        self.heads = trained.heads

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.table_q[ids].to(torch.float32) * self.scale[ids]
        return torch.stack([torch.sigmoid(z) for z in self.heads(x, ids)]).mean(dim=0)


def pad_batch(seqs: list[list[int]]) -> torch.Tensor:
    width = max(1, max(len(s) for s in seqs))
    out = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = torch.tensor(s, dtype=torch.long)
    return out


@torch.no_grad()
def predict(model: nn.Module, seqs: list[list[int]], sigmoid: bool, batch: int = 256) -> np.ndarray:
    model.eval()
    outs = []
    for i in range(0, len(seqs), batch):
        y = model(pad_batch(seqs[i : i + batch]))
        outs.append(torch.sigmoid(y).mean(dim=0) if sigmoid else y)
    return torch.cat(outs).numpy()


def f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred & gold).sum())
    denom = float(pred.sum() + gold.sum())
    return 0.0 if denom == 0 else 2 * tp / denom


def tune_thresholds(probs: np.ndarray, gold: np.ndarray) -> np.ndarray:
    best = np.full(len(LABELS), 0.5)
    for j in range(len(LABELS)):
        scores = [f1(probs[:, j] >= t, gold[:, j] > 0) for t in THRESHOLD_GRID]
        best[j] = round(float(THRESHOLD_GRID[int(np.argmax(scores))]), 2)
    return best


def metrics(probs: np.ndarray, gold: np.ndarray, thresholds: np.ndarray) -> dict:
    pred = probs >= thresholds
    g = gold > 0
    per_label = {name: f1(pred[:, j], g[:, j]) for j, name in enumerate(LABELS)}
    top = probs.argmax(axis=1)
    return {
        "macroF1": float(np.mean(list(per_label.values()))),
        "microF1": f1(pred, g),
        "top1Accuracy": float(g[np.arange(len(top)), top].mean()),
        "perLabelF1": per_label,
    }


def train(args, model: WordCnn, train_seqs, train_y, dev_seqs, dev_y) -> tuple[dict, float]:
    dense = [p for n, p in model.named_parameters() if not n.startswith("embed.")]
    opt_dense = torch.optim.Adam(dense, lr=args.lr)
    opt_embed = torch.optim.SparseAdam(list(model.embed.parameters()), lr=args.embed_lr or args.lr)
    order = list(range(len(train_seqs)))
    positives = train_y.sum(axis=0)
    # Rare labels (disgust, fear) weigh more, by the square root of their imbalance, so the features learn them.
    pos_weight = torch.from_numpy(np.sqrt((len(train_y) - positives) / positives).astype(np.float32)) \
        if args.pos_weight else None
    best_state, best_f1, stale = None, -1.0, 0
    for epoch in range(args.epochs):
        model.train()
        random.shuffle(order)
        started, total = time.time(), 0.0
        for i in range(0, len(order), args.batch):
            idx = order[i : i + args.batch]
            ids = pad_batch([train_seqs[j] for j in idx])
            if args.word_dropout > 0:
                # Unknown words happen at run time (speech errors, rare words); practise on some.
                drop = (torch.rand(ids.shape) < args.word_dropout) & (ids > textnorm.UNK_ID)
                ids = ids.masked_fill(drop, textnorm.UNK_ID)
            logits = model(ids)
            target = torch.from_numpy(train_y[idx]).expand_as(logits)
            loss = F.binary_cross_entropy_with_logits(logits, target, pos_weight=pos_weight)
            opt_dense.zero_grad()
            opt_embed.zero_grad()
            loss.backward()
            opt_dense.step()
            opt_embed.step()
            total += float(loss) * len(idx)
        probs = predict(model, dev_seqs, sigmoid=True)
        dev_f1 = metrics(probs, dev_y, tune_thresholds(probs, dev_y))["macroF1"]
        print(f"epoch {epoch + 1}: loss {total / len(order):.4f}, dev macro-F1 {dev_f1:.4f} "
              f"({time.time() - started:.0f} s)", flush=True)
        if dev_f1 > best_f1:
            best_f1, stale = dev_f1, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
            if stale >= 2:
                break
    return best_state, best_f1


def parity_texts(dev_texts: list[str]) -> list[str]:
    rng = random.Random(11)
    picked = rng.sample(dev_texts, 220)
    edge = [
        "", "   ", "\u00a0\t\n", "😀😀🎉", "🙂 ok", "Привет, как дела?", "今天天气很好", "مرحبا بالعالم",
        "C'est la vie, n’est-ce pas ?", "DON'T YOU DARE", "I\u2019m SO happy!!!", "it\u02bcs fine",
        "ctrl\u0000chars\u0007in\u001btext", "tab\tseparated\twords", "İstanbul ΣΟΦΟΣ straße", "ﬁne café naïve",
        "x" * 3000, "word " * 120, "why?!?!", "[NAME] is here", "3 cats and 2 dogs", "e-mail me @ home",
        "\U0001F44D" * 10, "new\r\nline", "turn on the kitchen lights",
    ]
    return edge + picked


def write_json(path: str, value) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
        f.write("\n")


def export(args, quant: QuantizedCnn, vocab: list[str], thresholds, dev_metrics, device_report, dev_texts, info):
    os.makedirs(args.out, exist_ok=True)
    quant.eval()
    torch.onnx.export(
        quant, (torch.ones(2, 5, dtype=torch.long),), os.path.join(args.out, "model.onnx"),
        input_names=["ids"], output_names=["scores"], opset_version=17,
        dynamic_axes={"ids": {0: "batch", 1: "tokens"}, "scores": {0: "batch"}},
    )
    with open(os.path.join(args.out, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    vocab_index = {w: i for i, w in enumerate(vocab)}
    model_json = {
        "name": os.path.basename(os.path.normpath(args.out)),
        "version": args.version,
        "labels": LABELS,
        "thresholds": {name: float(thresholds[j]) for j, name in enumerate(LABELS)},
        "normalization": {"style": "voice", "lowercase": True, "apostrophes": textnorm.APOSTROPHES,
                          "keep": "unicode letters (L*) and digits (N*)", "maxChars": MAX_CHARS},
        "tokenizer": {"vocabulary": "vocab.txt", "padId": textnorm.PAD_ID, "unkId": textnorm.UNK_ID,
                      "maxTokens": MAX_TOKENS},
        "onnx": {"file": "model.onnx", "input": "ids", "output": "scores"},
        "metrics": {"devVoice": dev_metrics, "deviceCommands": device_report},
        "training": info,
    }
    write_json(os.path.join(args.out, "model.json"), model_json)
    texts = parity_texts(dev_texts)
    seqs = [textnorm.tokenize(t, vocab_index, MAX_CHARS, MAX_TOKENS) for t in texts]
    scores = predict(quant, seqs, sigmoid=False, batch=1)
    cases = [{"text": t, "ids": s, "scores": [float(x) for x in row]} for t, s, row in zip(texts, seqs, scores)]
    write_json(os.path.join(args.out, "parity.json"), {"version": args.version, "cases": cases})


def device_check(model: nn.Module, texts: list[str], vocab_index: dict, thresholds: np.ndarray) -> dict:
    seqs = [textnorm.tokenize(t, vocab_index, MAX_CHARS, MAX_TOKENS) for t in texts]
    probs = predict(model, seqs, sigmoid=False)
    flagged = [t for t, p in zip(texts, probs) if p.argmax() != NEUTRAL or any(
        p[j] >= thresholds[j] for j in range(len(LABELS)) if j != NEUTRAL)]
    return {"count": len(texts), "nonNeutral": len(flagged), "nonNeutralTexts": flagged}


def distill_sentence(training: dict) -> str:
    teachers = {k: v for k, v in training.get("teachers", {}).items() if k != "together"}
    if not teachers:
        return ""
    listed = "; ".join(f"{name}, dev macro-F1 {f1:.3f}" for name, f1 in teachers.items())
    share = training["distill"]
    return (f" Distilled: teachers trained first on the same data ({listed}; together "
            f"{training['teachers']['together']:.3f}), then the shipped network learnt from targets that are "
            f"{1 - share:.0%} the labels and {share:.0%} the teachers' averaged scores. The teachers do not ship.")


def render_card(args, model_json_path: str) -> None:
    with open(args.card_template, encoding="utf-8") as f:
        card = f.read()
    with open(model_json_path, encoding="utf-8") as f:
        meta = json.load(f)
    m = meta["metrics"]["devVoice"]
    d = meta["metrics"]["deviceCommands"]
    size = sum(os.path.getsize(os.path.join(args.out, n)) for n in ("model.onnx", "vocab.txt", "model.json"))
    rows = "\n".join(f"| {name} | {m['perLabelF1'][name]:.3f} | {meta['thresholds'][name]:.2f} |" for name in LABELS)
    values = {
        "VERSION": meta["version"], "MACRO": f"{m['macroF1']:.3f}", "MICRO": f"{m['microF1']:.3f}",
        "TOP1": f"{m['top1Accuracy']:.3f}", "PER_LABEL_ROWS": rows, "DEVICE_BAD": str(d["nonNeutral"]),
        "DEVICE_COUNT": str(d["count"]), "VOCAB": f"{meta['training']['vocabularySize']:,}",
        "SIZE_MB": f"{size / 1e6:.1f}", "TRAINED": meta["training"]["trainedAt"],
        "EPOCHS": str(meta["training"]["epochs"]), "SECONDS": str(meta["training"]["seconds"]),
        "AUGMENT": str(meta["training"]["deviceCommandsAdded"]),
        "BLANKS": str(meta["training"]["blankTextsAdded"]),
        "HEADS": "one convolutional head" if meta["training"]["heads"] == 1
        else f"{meta['training']['heads']} convolutional heads", "FILTERS": str(meta["training"]["filters"]),
        "KERNELS": ", ".join(str(k) for k in meta["training"]["kernels"]), "LR": str(meta["training"].get("lr", 1e-3)),
        "DISTILL": distill_sentence(meta["training"]),
        "POS_WEIGHT": " with rare labels' positives weighted by the square root of their imbalance"
        if meta["training"].get("posWeight") else "",
        "WORD_DROPOUT": f", {meta['training'].get('wordDropout', 0):.0%} of training words replaced by the unknown word"
        if meta["training"].get("wordDropout") else "", "GLOVE_HITS": f"{meta['training']['gloveRows']:,}",
    }
    for key, value in values.items():
        card = card.replace("{{" + key + "}}", value)
    with open(os.path.join(args.out, "MODEL_CARD.md"), "w", encoding="utf-8") as f:
        f.write(card)


def read_data(args) -> dict:
    train_texts, train_y = read_tsv(os.path.join(args.data, "train.tsv"))
    dev_texts, dev_y = read_tsv(os.path.join(args.data, "dev.tsv"))
    device_test = read_device_test(args.device_test)
    commands = device_commands.generate(args.device_augment, args.seed)
    overlap = {textnorm.normalize(t, MAX_CHARS) for t in device_test} & {
        textnorm.normalize(t, MAX_CHARS) for t in commands}
    if overlap:
        raise SystemExit(f"device command templates produce test sentences; change the templates: {sorted(overlap)}")
    neutral = np.zeros((len(commands), len(LABELS)), dtype=np.float32)
    neutral[:, NEUTRAL] = 1.0
    return {"texts": train_texts + commands, "y": np.concatenate([train_y, neutral]), "commands": len(commands),
            "dev_texts": dev_texts, "dev_y": dev_y, "device_test": device_test}


def train_model(args, data: dict) -> tuple[WordCnn, list[str], dict]:
    rng = np.random.default_rng(args.seed)
    glove_words, glove = embeddings.load(args.cache)
    vocab = build_vocab([textnorm.normalize(t, MAX_CHARS) for t in data["texts"]], glove_words, args.vocab_size)
    vocab_index = {w: i for i, w in enumerate(vocab)}
    table, hits = init_embeddings(vocab, glove_words, glove, rng)
    print(f"vocabulary {len(vocab)} words, {hits} from GloVe", flush=True)

    train_seqs = [textnorm.tokenize(t, vocab_index, MAX_CHARS, MAX_TOKENS) for t in data["texts"]]
    # Texts with no known word (emoji, other scripts, noise) reach the model as unknown ids only.
    # Teach it that these say nothing: neutral.
    blanks = [[textnorm.UNK_ID] * (1 + i % 6) for i in range(args.blank_augment)]
    blank_y = np.zeros((len(blanks), len(LABELS)), dtype=np.float32)
    blank_y[:, NEUTRAL] = 1.0
    dev_seqs = [textnorm.tokenize(t, vocab_index, MAX_CHARS, MAX_TOKENS) for t in data["dev_texts"]]
    kernels = [int(k) for k in args.kernels.split(",")]
    seqs, targets = train_seqs + blanks, np.concatenate([data["y"], blank_y])
    teachers: dict[str, nn.Module] = {}
    if args.teacher_heads > 0:
        teachers[f"word-CNN, {args.teacher_heads} heads"] = WordCnn(
            table.copy(), kernels, args.filters, args.dropout, args.teacher_heads)
    if args.teacher_gru:
        teachers["BiGRU, 128 units a direction"] = BiGru(table.copy(), 128, args.dropout)
    teacher_report = {}
    if teachers:
        targets, teacher_report = distil(args, teachers, seqs, targets, dev_seqs, data["dev_y"])
    model = WordCnn(table, kernels, args.filters, args.dropout, args.heads)
    best_state, _ = train(args, model, seqs, targets, dev_seqs, data["dev_y"])
    model.load_state_dict(best_state)
    info = {
        "data": "GoEmotions ekman train.tsv (+ template device commands as neutral), thresholds tuned on dev.tsv",
        "architecture": f"{args.heads} word-CNN head(s), kernels {args.kernels} x {args.filters}, "
                        "GloVe-initialised 100-d embeddings",
        "heads": args.heads, "kernels": kernels, "filters": args.filters,
        "vocabularySize": len(vocab), "gloveRows": hits, "deviceCommandsAdded": data["commands"],
        "blankTextsAdded": len(blanks), "epochs": args.epochs, "seed": args.seed, "lr": args.lr,
        "embedLr": args.embed_lr or args.lr, "wordDropout": args.word_dropout, "posWeight": args.pos_weight,
        "teachers": teacher_report, "distill": args.distill if teachers else 0.0,
        "trainedAt": datetime.date.today().isoformat(), "torch": torch.__version__,
    }
    return model, vocab, info


def distil(args, teachers: dict[str, nn.Module], seqs, targets: np.ndarray, dev_seqs, dev_y) -> tuple[np.ndarray, dict]:
    """Trains the teachers and mixes their averaged scores on the training texts into the targets, so the small
    network that ships learns from a larger ensemble what it cannot learn from the labels alone."""
    soft, dev_probs, report = [], [], {}
    for name, teacher in teachers.items():
        state, dev_f1 = train(args, teacher, seqs, targets, dev_seqs, dev_y)
        teacher.load_state_dict(state)
        print(f"teacher {name}: dev macro-F1 {dev_f1:.4f}", flush=True)
        report[name] = round(dev_f1, 4)
        soft.append(predict(teacher, seqs, sigmoid=True))
        dev_probs.append(predict(teacher, dev_seqs, sigmoid=True))
    ensemble = np.mean(dev_probs, axis=0)
    report["together"] = round(metrics(ensemble, dev_y, tune_thresholds(ensemble, dev_y))["macroF1"], 4)
    print(f"teachers together: dev macro-F1 {report['together']:.4f}", flush=True)
    mixed = ((1 - args.distill) * targets + args.distill * np.mean(soft, axis=0)).astype(np.float32)
    return mixed, report


def load_saved(path: str) -> tuple[WordCnn, list[str], dict]:
    saved = torch.load(path)
    info = saved["info"]
    table = np.zeros((len(saved["vocab"]), EMBED_DIM), dtype=np.float32)
    model = WordCnn(table, info["kernels"], info["filters"], 0.0, info["heads"])
    model.load_state_dict(saved["state"])
    return model, saved["vocab"], info


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    started = time.time()
    data = read_data(args)
    saved_path = os.path.join(args.cache, f"{os.path.basename(os.path.normpath(args.out))}.pt")
    if args.reexport:
        # Re-export the last trained network (for example after a tokenizer change) without training again.
        model, vocab, info = load_saved(saved_path)
    else:
        model, vocab, info = train_model(args, data)
        info["seconds"] = round(time.time() - started)
        torch.save({"state": model.state_dict(), "vocab": vocab, "info": info}, saved_path)

    vocab_index = {w: i for i, w in enumerate(vocab)}
    dev_seqs = [textnorm.tokenize(t, vocab_index, MAX_CHARS, MAX_TOKENS) for t in data["dev_texts"]]
    quant = QuantizedCnn(model)
    probs = predict(quant, dev_seqs, sigmoid=False)
    thresholds = tune_thresholds(probs, data["dev_y"])
    dev_metrics = metrics(probs, data["dev_y"], thresholds)
    device_report = device_check(quant, data["device_test"], vocab_index, thresholds)
    print(f"shipped model: dev macro-F1 {dev_metrics['macroF1']:.4f}, device commands non-neutral "
          f"{device_report['nonNeutral']}/{device_report['count']}", flush=True)
    export(args, quant, vocab, thresholds, dev_metrics, device_report, data["dev_texts"], info)
    render_card(args, os.path.join(args.out, "model.json"))
    print(f"wrote {args.out}", flush=True)


if __name__ == "__main__":
    main()
