#!/usr/bin/env python3
"""Writes small evaluation fixtures and the numbers the official evaluation code gives on them.

The inputs (caption annotations and results, VQA questions/annotations/results, NLVR2 examples
and predictions, retrieval embeddings) are generated here from a fixed seed. The expected values
come from running the reference implementations, read from checkouts of their repositories
(never copied into this repository):

  salaniz/pycocoevalcap  BLEU-1..4 and CIDEr-D          (bleu/bleu_scorer.py, cider/cider_scorer.py)
  GT-Vision-Lab/VQA      VQA accuracy                   (PythonEvaluationTools/vqaEvaluation/vqaEval.py)
  lil-lab/nlvr           NLVR2 accuracy and consistency (nlvr2/eval/metrics.py)
  fartashf/vsepp         retrieval Recall@K, med/mean r (evaluation.py: i2t, t2i)

Needs Python 3 with NumPy (Debian: apt-get install python3-numpy).

pycocoevalcap tokenises with Stanford CoreNLP's PTBTokenizer (Java). Without that jar the
captions here are restricted to words, digits, spaces, possessive 's and sentence-final
periods and commas, for which PTB tokenisation is fixed: lower-case, split off "'s", drop the
punctuation tokens. Pass --corenlp-jar to tokenise with the real one instead.

Usage:
  python3 make_fixtures.py --pycocoevalcap DIR --vqa DIR --nlvr DIR --vsepp DIR [--corenlp-jar JAR] --out DIR
"""
import argparse
import ast
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import tempfile

import numpy


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def write_json(out, name, value):
    with open(os.path.join(out, name), 'w') as f:
        json.dump(value, f, indent=1, sort_keys=True)
        f.write('\n')


# ---------------------------------------------------------------- captions

SUBJECTS = ['a man', 'a woman', 'two dogs', 'a cat', 'a little girl', 'three people', 'a brown horse', 'the man\'s dog']
VERBS = ['is riding', 'is sitting on', 'are playing with', 'is standing next to', 'is looking at', 'walks along']
OBJECTS = ['a red bicycle', 'the beach', 'a green frisbee', 'a wooden bench', 'a busy street', 'the snow', 'a large truck', 'the grass']
TAILS = ['', ' in the park', ' on a sunny day', ' near the water', ', smiling', ' at night']


def sentence(rng):
    s = f'{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(TAILS)}'
    s = s[0].upper() + s[1:] if rng.random() < 0.7 else s
    return s + ('.' if rng.random() < 0.6 else '')


def simple_ptb(caption):
    """PTB tokenisation for the restricted caption alphabet used here, then pycocoevalcap's punctuation filter."""
    assert re.fullmatch(r"[A-Za-z0-9 ,.']*", caption), caption
    text = caption.lower().replace("'s", " 's").replace(',', ' , ').replace('.', ' . ')
    punct = {"''", "'", "``", "`", ".", "?", "!", ",", ":", "-", "--", "...", ";"}
    return ' '.join(w for w in text.split() if w not in punct)


def corenlp_ptb(jar, captions):
    with tempfile.NamedTemporaryFile('w', delete=False) as f:
        f.write('\n'.join(c.replace('\n', ' ') for c in captions))
    out = subprocess.run(['java', '-cp', jar, 'edu.stanford.nlp.process.PTBTokenizer', '-preserveLines', '-lowerCase', f.name],
                         check=True, capture_output=True, text=True).stdout.split('\n')
    os.remove(f.name)
    punct = ["''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--", "...", ";"]
    return [' '.join(w for w in line.rstrip().split(' ') if w not in punct) for line in out[:len(captions)]]


def captions_fixture(args, out):
    rng = random.Random(17)
    images, annotations, results = [], [], []
    for i in range(12):
        image_id = 1000 + 7 * i
        images.append({'id': image_id, 'file_name': f'COCO_val2014_{image_id:012d}.jpg', 'height': 32, 'width': 32})
        refs = [sentence(rng) for _ in range(5 if i % 4 else 4)]
        for r in refs:
            annotations.append({'id': len(annotations) + 1, 'image_id': image_id, 'caption': r})
        # Candidates: copies of a reference, edits of one, unrelated sentences, a one-word caption.
        kind = i % 4
        if kind == 0:
            cand = refs[0]
        elif kind == 1:
            cand = ' '.join(refs[1].split()[:4])
        elif kind == 2:
            cand = sentence(rng)
        else:
            cand = refs[2].rstrip('.') + ' and a dog a dog.'
        if i == 11:
            cand = 'Dog'
        results.append({'image_id': image_id, 'caption': cand})
    write_json(out, 'captions.json', {'images': images, 'annotations': annotations, 'info': {'description': 'fixture'}, 'licenses': []})
    write_json(out, 'caption_results.json', results)

    ids = [img['id'] for img in images]
    raw_gts = {i: [a['caption'] for a in annotations if a['image_id'] == i] for i in ids}
    raw_res = {r['image_id']: r['caption'] for r in results}
    flat = [c for i in ids for c in raw_gts[i]] + [raw_res[i] for i in ids]
    tok = corenlp_ptb(args.corenlp_jar, flat) if args.corenlp_jar else [simple_ptb(c) for c in flat]
    it = iter(tok)
    gts = {i: [next(it) for _ in raw_gts[i]] for i in ids}
    res = {i: [next(it)] for i in ids}

    bleu_scorer = load_module(os.path.join(args.pycocoevalcap, 'bleu', 'bleu_scorer.py'), 'bleu_scorer')
    cider_scorer = load_module(os.path.join(args.pycocoevalcap, 'cider', 'cider_scorer.py'), 'cider_scorer')
    b = bleu_scorer.BleuScorer(n=4)
    c = cider_scorer.CiderScorer(n=4, sigma=6.0)
    for i in ids:
        b += (res[i][0], gts[i])
        c += (res[i][0], gts[i])
    bleus, bleu_list = b.compute_score(option='closest', verbose=0)
    cider, cider_list = c.compute_score()
    return {
        'tokenizer': 'corenlp' if args.corenlp_jar else 'restricted-alphabet PTB',
        'tokenized': {'references': {str(i): gts[i] for i in ids}, 'candidates': {str(i): res[i][0] for i in ids}},
        'BLEU': [float(x) for x in bleus],
        'BLEU-4 per image': [float(x) for x in bleu_list[3]],
        'CIDEr-D': float(cider),
        'CIDEr-D per image': [float(x) for x in cider_list],
    }


# ---------------------------------------------------------------- VQA

def vqa_fixture(args, out):
    # Each question: (type, answer type, ten answers, prediction); chosen to exercise every rule.
    cases = [
        ('how many', 'number', ['2'] * 10, 'two'),
        ('how many', 'number', ['2'] * 6 + ['two'] * 2 + ['3', '4'], 'Two'),
        ('how many', 'number', ['1,000'] * 3 + ['1000'] * 7, '1000'),
        ('is the', 'yes/no', ['yes'] * 10, 'yes!'),
        ('is the', 'yes/no', ['yes'] * 9 + ['no'], 'yes!'),
        ('is the', 'yes/no', ['no'] * 2 + ['yes'] * 8, 'no'),
        ('what color is the', 'other', ['red'] * 4 + ['the red'] * 3 + ['dark red'] * 3, 'a red'),
        ('what color is the', 'other', ['black and white'] * 5 + ['black/white'] * 5, 'black white'),
        ('what is the', 'other', ['t-shirt'] * 4 + ['t shirt'] * 2 + ['shirt'] * 4, 't shirt'),
        ('what is the', 'other', ["don't know"] * 3 + ['dont know'] * 3 + ['unknown'] * 4, "dont know"),
        ('what is the', 'other', ['hot dog'] * 2 + ['hotdog'] * 8, 'hot dog.'),
        ('what is the', 'other', ['st. louis'] * 5 + ['st louis'] * 5, 'st. louis'),
        ('what is the', 'other', ['3.5'] * 4 + ['3 5'] * 6, '3.5'),
        ('what is the', 'other', ['pizza'] * 1 + ['pie'] * 9, 'pizza'),
        ('what is the', 'other', ['frisbee'] * 10, '  frisbee \n'),
        ('what is the', 'other', ['man\'s'] * 5 + ['mans'] * 5, 'mans'),
        ('what sport is', 'other', ['tennis', 'tennis', 'Tennis', 'tennis ', 'TENNIS', 'tennis', 'badminton', 'tennis', 'tennis', 'tennis'], 'TENNIS'),
        ('what is the', 'other', ['(left)'] * 4 + ['left'] * 6, 'left'),
        ('what is the', 'other', ['yes; no'] * 5 + ['maybe'] * 5, 'yes no'),
        ('what is the', 'other', ['none'] * 3 + ['0'] * 3 + ['nothing'] * 4, '0'),
    ]
    questions, annotations, results = [], [], []
    for k, (qtype, atype, answers, pred) in enumerate(cases):
        qid = 500000 + k
        image_id = 262148 + (k // 3)
        questions.append({'image_id': image_id, 'question': f'{qtype} question {k}?', 'question_id': qid})
        annotations.append({
            'question_id': qid, 'image_id': image_id, 'question_type': qtype, 'answer_type': atype,
            'multiple_choice_answer': max(sorted(set(answers)), key=answers.count),
            'answers': [{'answer': a, 'answer_confidence': 'yes', 'answer_id': j + 1} for j, a in enumerate(answers)],
        })
        results.append({'question_id': qid, 'answer': pred})
    write_json(out, 'vqa_questions.json', {'info': {}, 'task_type': 'Open-Ended', 'data_type': 'mscoco', 'data_subtype': 'val2014', 'license': {}, 'questions': questions})
    write_json(out, 'vqa_annotations.json', {'info': {}, 'data_type': 'mscoco', 'data_subtype': 'val2014', 'license': {}, 'annotations': annotations})
    write_json(out, 'vqa_results.json', results)

    # vqaEval.py is Python 2; only its print statements stand in the way of running it here.
    src = open(os.path.join(args.vqa, 'PythonEvaluationTools', 'vqaEvaluation', 'vqaEval.py')).read()
    src = re.sub(r'^(\s*)print (.+)$', r'\1print(\2)', src, flags=re.M)
    ns = {}
    exec(compile(src, 'vqaEval.py', 'exec'), ns)

    class Holder:
        def __init__(self, qa):
            self.qa = qa

        def getQuesIds(self):
            return list(self.qa.keys())

    gts = Holder({a['question_id']: json.loads(json.dumps(a)) for a in annotations})
    res = Holder({r['question_id']: dict(r) for r in results})

    raw = {}

    class Recording(ns['VQAEval']):
        def setEvalQA(self, quesId, acc):
            raw[quesId] = acc
            super().setEvalQA(quesId, acc)

    ev = Recording(gts, res, n=2)
    sys_stdout = sys.stdout
    sys.stdout = open(os.devnull, 'w')
    try:
        ev.evaluate()
    finally:
        sys.stdout = sys_stdout
    by_type = lambda key: {t: 100 * float(sum(raw[a['question_id']] for a in annotations if a[key] == t)) / len([a for a in annotations if a[key] == t])
                           for t in sorted({a[key] for a in annotations})}
    return {
        'overall (rounded by the script)': ev.accuracy['overall'],
        'perQuestionType (rounded by the script)': ev.accuracy['perQuestionType'],
        'perAnswerType (rounded by the script)': ev.accuracy['perAnswerType'],
        'overall': 100 * float(sum(raw.values())) / len(raw),
        'perQuestionType': by_type('question_type'),
        'perAnswerType': by_type('answer_type'),
        'perQuestion': {str(q): 100 * a for q, a in raw.items()},
    }


# ---------------------------------------------------------------- NLVR2

def nlvr2_fixture(args, out):
    rng = random.Random(5)
    examples, preds = [], []
    for s in range(6):
        for pair in range(3):
            ident = f'dev-{850 + s}-{pair}-{s % 2}'
            label = rng.random() < 0.5
            examples.append({'identifier': ident, 'sentence': f'statement {s}', 'label': 'True' if label else 'False',
                             'left_url': '', 'right_url': '', 'synset': 'n0', 'query': 'q', 'validation': {}, 'extra_validations': {}, 'directory': 1})
            correct = rng.random() < 0.7
            preds.append((ident, label if correct else not label))
    with open(os.path.join(out, 'nlvr2_dev.json'), 'w') as f:
        f.write(''.join(json.dumps(e) + '\n' for e in examples))
    with open(os.path.join(out, 'nlvr2_predictions.csv'), 'w') as f:
        f.write(''.join(f'{i},{"True" if p else "False"}\n' for i, p in preds))
    text = subprocess.run([sys.executable, os.path.join(args.nlvr, 'nlvr2', 'eval', 'metrics.py'),
                           os.path.join(out, 'nlvr2_predictions.csv'), os.path.join(out, 'nlvr2_dev.json')],
                          check=True, capture_output=True, text=True).stdout
    values = dict(line.split('=') for line in text.split())
    return {'accuracy': 100 * float(values['accuracy']), 'consistency': 100 * float(values['consistency'])}


# ---------------------------------------------------------------- retrieval

def retrieval_fixture(args, out):
    src = open(os.path.join(args.vsepp, 'evaluation.py')).read()
    tree = ast.parse(src)
    fns = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in ('i2t', 't2i')]
    ns = {'numpy': numpy}
    exec(compile(ast.Module(body=fns, type_ignores=[]), 'evaluation.py', 'exec'), ns)
    rng = numpy.random.RandomState(3)
    n, dim = 16, 8
    base = rng.randn(n, dim)
    images = numpy.repeat(base + 0.9 * rng.randn(n, dim), 5, axis=0)
    captions = numpy.repeat(base, 5, axis=0) + 1.1 * rng.randn(5 * n, dim)
    (r1, r5, r10, medr, meanr) = ns['i2t'](images, captions, npts=n)
    (q1, q5, q10, qmedr, qmeanr) = ns['t2i'](images, captions, npts=n)
    scores = images[::5] @ captions.T
    write_json(out, 'retrieval_scores.json', {'images': n, 'imageOfText': [t // 5 for t in range(5 * n)], 'scores': [float(x) for x in scores.flatten()]})
    return {'imageToText': {'R@1': r1, 'R@5': r5, 'R@10': r10, 'medianRank': float(medr), 'meanRank': float(meanr)},
            'textToImage': {'R@1': q1, 'R@5': q5, 'R@10': q10, 'medianRank': float(qmedr), 'meanRank': float(qmeanr)}}


def main():
    p = argparse.ArgumentParser()
    for name in ('pycocoevalcap', 'vqa', 'nlvr', 'vsepp', 'out'):
        p.add_argument('--' + name, required=True)
    p.add_argument('--corenlp-jar')
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    expected = {
        'captioning': captions_fixture(args, args.out),
        'vqa': vqa_fixture(args, args.out),
        'nlvr2': nlvr2_fixture(args, args.out),
        'retrieval': retrieval_fixture(args, args.out),
    }
    write_json(args.out, 'expected.json', expected)


if __name__ == '__main__':
    main()
