/**
 * Speaks a prompt in the customer's language, for those who cannot read the screen well.
 * Does nothing where the browser has no speech synthesis; a new prompt cuts off the last one.
 */
export function speak(text: string, language: string): void {
  const synth = globalThis.speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return;
  synth.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = language === 'zh-Hans' ? 'zh-CN' : language === 'zh-Hant' ? 'zh-TW' : language;
  utterance.rate = 0.9;
  synth.speak(utterance);
}
