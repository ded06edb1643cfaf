// The parts of vader-sentiment 1.1.3 (a JS port of VADER, no bundled types) that Tandem calls.
declare module 'vader-sentiment' {
  interface SentiTextLike {
    text: string;
    words_and_emoticons: string[];
    is_cap_diff: boolean;
  }
  interface PolarityScores {
    neg: number;
    neu: number;
    pos: number;
    compound: number;
  }
  export const SentimentIntensityAnalyzer: {
    polarity_scores(text: string): PolarityScores;
    sentiment_valence(valence: number, sentiText: SentiTextLike, item: string, index: number, sentiments: number[]): number[];
    but_check(words: string[], sentiments: number[]): number[];
    score_valence(sentiments: number[], text: string): PolarityScores;
  };
  const vader: { SentimentIntensityAnalyzer: typeof SentimentIntensityAnalyzer };
  export default vader;
}

// Benchmark-only baselines (test/bench/triage.ts), untyped upstream.
declare module 'sentiment' {
  export default class Sentiment {
    analyze(text: string): { score: number; comparative: number };
  }
}
