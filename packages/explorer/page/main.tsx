import { render } from 'preact';
import { App } from './app';
import './explorer.css';

render(<App />, document.getElementById('app') as HTMLElement);
