// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ChoiceSelect } from '../../../console/src/components/choice-select';

afterEach(cleanup);

const choices = [
  { value: 'product', label: 'Product' },
  { value: 'faq', label: 'FAQ' },
];

describe('ChoiceSelect', () => {
  it('controlled: reports the choice, and the empty option as no choice', () => {
    const seen: (string | undefined)[] = [];
    render(<ChoiceSelect label="Kind" name="kind" emptyLabel="Any" choices={choices} value="faq" onChange={(value) => seen.push(value)} />);
    const select = screen.getByLabelText('Kind') as HTMLSelectElement;
    expect(select.value).toBe('faq');
    expect([...select.options].map((option) => option.textContent)).toEqual(['Any', 'Product', 'FAQ']);
    fireEvent.change(select, { target: { value: 'product' } });
    fireEvent.change(select, { target: { value: '' } });
    expect(seen).toEqual(['product', undefined]);
  });

  it('uncontrolled: a plain form field, empty until chosen', () => {
    render(
      <form data-testid="form">
        <ChoiceSelect label="Kind" name="kind" emptyLabel="From the file" choices={choices} />
      </form>,
    );
    const form = screen.getByTestId('form') as HTMLFormElement;
    expect(new FormData(form).get('kind')).toBe('');
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'faq' } });
    expect(new FormData(form).get('kind')).toBe('faq');
  });
});
