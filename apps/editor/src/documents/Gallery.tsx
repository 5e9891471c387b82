import { useMemo } from 'react';
import { useEditorApi, useRegistry, useTrainer, useUi, useUiApi } from '../app/context.tsx';
import { loadExamples, type Example } from './examples.ts';
import { forgetSaveHandle } from './files.ts';
import { Thumbnail } from './Thumbnail.tsx';
import { Modal } from '../ui/Modal.tsx';
import { LESSONS, lessonDoc, type Lesson } from '../train/lessons.ts';

export function Gallery() {
  const open = useUi((s) => s.galleryOpen);
  if (!open) return null;
  return <GalleryDialog />;
}

function GalleryDialog() {
  const examples = useMemo(() => loadExamples(), []);
  const registry = useRegistry();
  const editor = useEditorApi();
  const ui = useUiApi();
  const close = () => ui.getState().set({ galleryOpen: false });
  const choose = (id: string, tiny = false) => {
    const ex = examples.find((e) => e.id === id);
    const doc = tiny ? ex?.tiny : ex?.doc;
    if (!ex || !doc) return;
    // An example is not a file of the user's: saving it asks where, under a name from its title.
    editor.getState().replaceDocument(structuredClone(doc), null, `examples/${ex.id}/${tiny ? 'tiny' : 'graph'}.json`);
    forgetSaveHandle();
    ui.getState().set({ galleryOpen: false, fitSeq: ui.getState().fitSeq + 1 });
    ui.getState().notify({ kind: 'success', title: `Opened example “${tiny ? (doc.meta.title ?? ex.title) : ex.title}”` });
  };
  const trainer = useTrainer();
  // The tiny variant with the weights its README trains, so that its outputs mean something.
  const chooseTrained = async (ex: Example) => {
    if (!ex.trained || !trainer) return;
    choose(ex.id, true);
    const name = `examples/${ex.id}/trained.safetensors`;
    try {
      const response = await fetch(await ex.trained());
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      const result = trainer.loadWeights(name, new Uint8Array(await response.arrayBuffer()));
      if (result.ok) ui.getState().notify({ kind: 'success', title: `Loaded ${name}`, detail: result.note ?? 'Run uses the trained weights.' });
      else ui.getState().set({ report: { title: `${name} does not fit this graph`, problems: result.problems } });
    } catch (e) {
      ui.getState().notify({ kind: 'error', title: `Could not load ${name}`, detail: (e as Error).message });
    }
  };
  const openLesson = (lesson: Lesson) => {
    const doc = lessonDoc(lesson, examples);
    if (!doc) return;
    editor.getState().replaceDocument(structuredClone(doc), null, `examples/${lesson.example}/${lesson.file ?? 'tiny.json'}`);
    forgetSaveHandle();
    editor.getState().applyTrainSettings(structuredClone(lesson.settings));
    ui.getState().set({ galleryOpen: false, trainOpen: true, runOpen: false, fitSeq: ui.getState().fitSeq + 1 });
    ui.getState().notify({ kind: 'success', title: `Opened “${lesson.title}”`, detail: 'Press Train in the panel below.' });
  };
  return (
    <Modal title="Examples" onClose={close} testId="gallery" wide>
      <p className="mf-muted mf-gallery__intro">Each example is a complete graph with its teaching notes. Opening one replaces the canvas; undo brings your graph back.</p>
      <div className="mf-gallery">
        {LESSONS.map((lesson) => {
          const doc = lessonDoc(lesson, examples);
          return (
            <div key={lesson.id} className="mf-gallery__item">
              <button type="button" className="mf-card mf-card--lesson" disabled={!doc} onClick={() => openLesson(lesson)} data-testid={`lesson-${lesson.id}`}>
                <div className="mf-card__thumb">{doc ? <Thumbnail doc={doc} registry={registry} /> : <span className="mf-error-text">examples/{lesson.example}/{lesson.file ?? 'tiny.json'} did not load</span>}</div>
                <div className="mf-card__body">
                  <div className="mf-card__title">{lesson.title}</div>
                  <div className="mf-card__desc">{lesson.description}</div>
                  <div className="mf-card__meta">
                    Trains in the browser · {lesson.settings.steps} steps of {lesson.settings.batchSize}
                    {lesson.settings.init && ` · starts from ${lesson.settings.init.name}`}
                    {lesson.settings.shots > 0 && ` · ${lesson.settings.shots} per class`}
                  </div>
                </div>
              </button>
            </div>
          );
        })}
        {examples.map((ex) => (
          <div key={ex.id} className="mf-gallery__item">
            <button type="button" className="mf-card" disabled={!ex.doc} onClick={() => choose(ex.id)} data-testid={`example-${ex.id}`}>
              <div className="mf-card__thumb">{ex.doc ? <Thumbnail doc={ex.doc} registry={registry} /> : <span className="mf-error-text">{ex.error}</span>}</div>
              <div className="mf-card__body">
                <div className="mf-card__title">{ex.title}</div>
                <div className="mf-card__desc">{ex.description}</div>
                {ex.doc && <div className="mf-card__meta">{ex.doc.nodes.length} nodes · {ex.doc.edges.length} edges</div>}
              </div>
            </button>
            {ex.tiny && (
              <button type="button" className="mf-gallery__tiny" onClick={() => choose(ex.id, true)} title={ex.tiny.meta.description ?? 'The same graph at toy sizes'} data-testid={`example-tiny-${ex.id}`}>
                Tiny · runs in seconds
              </button>
            )}
            {ex.tiny && ex.trained && (
              <button type="button" className="mf-gallery__tiny mf-gallery__tiny--trained" onClick={() => void chooseTrained(ex)} title="The tiny graph with the weights its README trains" data-testid={`example-trained-${ex.id}`}>
                Tiny, trained
              </button>
            )}
          </div>
        ))}
        {!examples.length && <p className="mf-muted">No examples found.</p>}
      </div>
    </Modal>
  );
}
