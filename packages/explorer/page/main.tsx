import { render } from 'preact';
import { App } from './app';
import './explorer.css';

const container = document.getElementById('app') as HTMLElement;
container.textContent = ''; // the "loading" line the HTML shows until the script runs
render(<App />, container);
